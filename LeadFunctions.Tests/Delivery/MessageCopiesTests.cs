using LeadFunctions.Delivery;
using LeadFunctions.Destinations;
using LeadFunctions.Leads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace LeadFunctions.Tests.Delivery;

/// <summary>
/// The queue delivers at least once: an enqueue whose answer was lost is sent again by the storage client (two
/// identical messages), and a lease that lapses lets a second receiver take a message still being handled. Whatever
/// copies there are, a lead is moved to the poison queue, or re-scheduled, once (docs/design.md, "Exactly once").
/// </summary>
public sealed class MessageCopiesTests(Azurite azurite) : IClassFixture<Azurite>
{
    /// <summary>
    /// How copies arise without any crash: the storage client does not get the answer to its enqueue (here a proxy
    /// cuts it; in the test suite, a shared Azurite too busy to answer within the client's network timeout), so it
    /// sends the message again — and the first send had been stored. One lead accepted, two messages.
    /// </summary>
    [Fact]
    public async Task An_enqueue_whose_answer_is_lost_is_sent_again_and_the_two_copies_still_poison_the_lead_once()
    {
        await using var proxy = LostAnswerProxy.Start(azurite.QueuePort, "/messages");
        var lossy = azurite.ConnectionString.Replace($"QueueEndpoint=http://127.0.0.1:{azurite.QueuePort}/", $"QueueEndpoint=http://127.0.0.1:{proxy.Port}/", StringComparison.Ordinal);
        var settings = Settings(TestNames.Queue(), ("Destinations:Default", "Dynamics365"));
        await using (var intake = await TestApp.StartAsync(azurite, new Dictionary<string, string?>(settings) { ["Standalone:ProcessQueue"] = "false" }, connectionString: lossy))
        {
            using var accepted = await intake.PostLeadAsync(TestLeads.ContactMe(3).ToJsonString());
            Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
            Assert.Equal(1, proxy.Lost);
            Assert.Equal(2, await TestApp.CountMessagesAsync(intake.Queue)); // the cause: one lead, two messages
        }

        await using var app = await TestApp.StartAsync(azurite, settings);
        Assert.True(
            await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0, TimeSpan.FromSeconds(60)),
            "both copies were handled and deleted");
        Assert.Single(await app.PoisonedAsync());
    }

    [Fact]
    public async Task Two_identical_copies_of_a_message_move_the_lead_to_poison_once()
    {
        var queue = await QueueWithCopiesAsync(Envelope().ToJson(), copies: 2);
        await using var app = await TestApp.StartAsync(azurite, Settings(queue, ("Destinations:Default", "Dynamics365"))); // not a destination: no copy can be delivered

        Assert.True(
            await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0, TimeSpan.FromSeconds(60)),
            "both copies were handled and deleted");
        var poisoned = Assert.Single(await app.PoisonedAsync());
        Assert.Equal("UnknownDestination", poisoned.GetProperty("lastError").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Two_identical_copies_of_a_message_that_fails_transiently_are_rescheduled_once()
    {
        var calls = 0;
        var destination = Fake();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                Interlocked.Increment(ref calls);
                return new DeliveryOutcome.RetryLater(new DeliveryFailure("Fake", 503, null, "Service unavailable"));
            });
        var queue = await QueueWithCopiesAsync(Envelope().ToJson(), copies: 2);
        await using var app = await TestApp.StartAsync(
            azurite, Settings(queue, ("Delivery:FirstRetryDelay", "01:00:00")), services => services.AddSingleton(destination.Object)); // the next attempt stays invisible, and is counted

        // Both copies are tried (one of them perhaps twice, if it found the other taking the step); one attempt 2 is left.
        Assert.True(
            await TestApp.EventuallyAsync(async () => Volatile.Read(ref calls) >= 2 && await TestApp.CountMessagesAsync(app.Queue) == 1, TimeSpan.FromSeconds(60)),
            $"one attempt 2 waits in the queue after both copies were tried ({calls} tries, {await TestApp.CountMessagesAsync(app.Queue)} messages)");
    }

    /// <summary>
    /// A slow delivery whose lease is not renewed in time (here: the first instance's clock never moves, so its
    /// renewal never comes) lets a second instance take the same message while the first still handles it. Both
    /// find the lead cannot be delivered; it goes to poison once.
    /// </summary>
    [Fact]
    public async Task A_lease_that_lapses_while_a_slow_delivery_runs_lets_a_second_instance_in_and_the_lead_is_still_poisoned_once()
    {
        var firstCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var destination = Fake();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()))
            .Returns(async (LeadDelivery _, CancellationToken _) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    firstCall.SetResult();
                    await secondCall.Task; // slow: still delivering when the copy arrives
                }
                else
                {
                    secondCall.TrySetResult();
                }

                return new DeliveryOutcome.CannotDeliver(new DeliveryFailure("Fake", 403, "Forbidden", "The CRM user may not create leads."));
            });
        var settings = Settings(TestNames.Queue(), ("Standalone:MessageLease", "00:00:01"));

        var starved = new FakeTimeProvider(DateTimeOffset.UtcNow); // never advanced: the first instance's renewal never comes
        await using var first = await TestApp.StartAsync(azurite, settings, services =>
        {
            services.AddSingleton(destination.Object);
            services.AddSingleton<TimeProvider>(starved);
        });
        using (var accepted = await first.PostLeadAsync(TestLeads.ContactMe(1).ToJsonString()))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        }

        await firstCall.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await using var second = await TestApp.StartAsync(azurite, settings, services => services.AddSingleton(destination.Object));

        await secondCall.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(
            await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(first.Queue) == 0, TimeSpan.FromSeconds(60)),
            "the message was deleted by the instance that held it last");
        Assert.True(calls >= 2, $"both instances tried the delivery ({calls} tries)");
        var poisoned = Assert.Single(await first.PoisonedAsync());
        Assert.Equal("Forbidden", poisoned.GetProperty("lastError").GetProperty("code").GetString());
    }

    /// <summary>
    /// The lead queue, one settlement ledger for every instance (as in Azure), and a copy that finds a step under way
    /// released for no time: it comes back at once.
    /// </summary>
    private static Dictionary<string, string?> Settings(string queue, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["LeadQueueName"] = queue,
            ["Delivery:SettlementTable"] = "s" + queue,
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00",
        };
        foreach (var (key, value) in more) settings[key] = value;
        return settings;
    }

    private static LeadEnvelope Envelope() => TestLeads.Envelope(TestLeads.ContactMe(7).ToJsonString());

    private static Mock<ILeadDestination> Fake()
    {
        var destination = new Mock<ILeadDestination>();
        destination.Setup(d => d.Name).Returns("Fake");
        return destination;
    }

    /// <summary>A new lead queue holding <paramref name="copies"/> identical messages, as a retried enqueue leaves them.</summary>
    private async Task<string> QueueWithCopiesAsync(string text, int copies)
    {
        var name = TestNames.Queue();
        var queue = azurite.Queue(name);
        await queue.CreateAsync();
        for (var i = 0; i < copies; i++) await queue.SendMessageAsync(text, null, TimeSpan.FromSeconds(-1));
        return name;
    }
}
