using System.Net;
using LeadFunctions.Delivery;
using LeadFunctions.Destinations;
using LeadFunctions.Leads;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace LeadFunctions.Tests.Delivery;

/// <summary>
/// ProcessLead in standalone mode, through the real queue listener and Azurite: what happens to a lead after each
/// kind of delivery outcome. The destination is a Moq double so that each outcome can be forced.
/// </summary>
public sealed class ProcessLeadTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly Dictionary<string, string?> FastQueue = new()
    {
        ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "3",
        ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00",
        ["Delivery:FirstRetryDelay"] = "00:00:00.200",
        ["Delivery:MaxRetryDelay"] = "00:00:00.400",
    };

    [Fact]
    public async Task Message_that_always_fails_ends_in_poison_after_the_configured_dequeue_count_with_a_reason()
    {
        var destination = Destination();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("boom"));
        await using var app = await StartAsync(destination);

        var leadId = await PostAsync(app, RepoPaths.Sample("documented-sample-lead.json"));

        var poisoned = await SinglePoisonAsync(app);
        Assert.Equal(leadId, poisoned.LeadId);
        Assert.Equal("poison", poisoned.LastError!.Kind);
        Assert.Contains("3 dequeues", poisoned.LastError.Message, StringComparison.Ordinal);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
        destination.Verify(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()), Times.Exactly(3));
    }

    [Fact]
    public async Task Permanent_failure_goes_to_poison_on_the_first_attempt_with_status_code_and_message()
    {
        var destination = Destination();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new DeliveryOutcome.CannotDeliver(new DeliveryFailure("Fake", 403, "0x80040220", "Principal user is missing prvCreateLead privilege")));
        await using var app = await StartAsync(destination);

        var leadId = await PostAsync(app, RepoPaths.Sample("documented-sample-lead.json"));

        var poisoned = await SinglePoisonAsync(app);
        Assert.Equal(leadId, poisoned.LeadId);
        Assert.Equal(403, poisoned.LastError!.Status);
        Assert.Equal("0x80040220", poisoned.LastError.Code);
        Assert.Contains("prvCreateLead", poisoned.LastError.Message, StringComparison.Ordinal);
        destination.Verify(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Transient_failures_are_rescheduled_with_the_attempt_counted_until_delivery()
    {
        var attempts = new List<int>();
        var destination = Destination();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((LeadDelivery delivery, CancellationToken _) =>
            {
                lock (attempts) attempts.Add(delivery.Attempt);
                return delivery.Attempt < 4
                    ? new DeliveryOutcome.RetryLater(new DeliveryFailure("Fake", 503, null, "Service unavailable"))
                    : new DeliveryOutcome.Delivered(false);
            });
        await using var app = await StartAsync(destination);

        await PostAsync(app, RepoPaths.Sample("documented-sample-lead.json"));

        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(attempts.Contains(4))), "the lead was not delivered");
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0));
        Assert.Equal([1, 2, 3, 4], attempts);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
    }

    [Fact]
    public async Task Retry_After_from_the_destination_is_honoured()
    {
        var times = new List<DateTimeOffset>();
        var destination = Destination();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((LeadDelivery delivery, CancellationToken _) =>
            {
                lock (times) times.Add(DateTimeOffset.UtcNow);
                return delivery.Attempt == 1
                    ? new DeliveryOutcome.RetryLater(new DeliveryFailure("Fake", 429, null, "Too many requests"), TimeSpan.FromSeconds(2))
                    : new DeliveryOutcome.Delivered(false);
            });
        await using var app = await StartAsync(destination);

        await PostAsync(app, RepoPaths.Sample("documented-sample-lead.json"));

        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(times.Count == 2)));
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(1.9), $"retried after {times[1] - times[0]}");
    }

    [Fact]
    public async Task Lead_that_keeps_failing_transiently_goes_to_poison_once_it_is_older_than_the_maximum_age()
    {
        var destination = Destination();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new DeliveryOutcome.RetryLater(new DeliveryFailure("Fake", 503, null, "Service unavailable")));
        await using var app = await StartAsync(destination, new() { ["Delivery:MaxAge"] = "00:00:01" });

        await PostAsync(app, RepoPaths.Sample("documented-sample-lead.json"));

        var poisoned = await SinglePoisonAsync(app);
        Assert.Contains("Gave up after", poisoned.LastError!.Message, StringComparison.Ordinal);
        Assert.True(poisoned.Attempt > 1);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
    }

    [Fact]
    public async Task Test_leads_are_skipped_when_the_setting_says_so_and_real_leads_still_delivered()
    {
        var delivered = new List<string>();
        var destination = Destination();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((LeadDelivery delivery, CancellationToken _) =>
            {
                lock (delivered) delivered.Add(delivery.LeadId);
                return new DeliveryOutcome.Delivered(false);
            });
        await using var app = await StartAsync(destination, new() { ["Delivery:TestLeads"] = "Skip" });

        await PostAsync(app, RepoPaths.Sample("test-lead-lowercase.json"));
        var real = await PostAsync(app, RepoPaths.Sample("documented-sample-lead.json"));

        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0));
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(delivered.Count == 1)));
        Assert.Equal([real], delivered);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
    }

    [Fact]
    public async Task Message_dequeued_more_often_than_allowed_without_an_outcome_is_parked_in_poison_with_the_reason()
    {
        // As if the process had crashed while holding it, over and over.
        var queue = azurite.Queue(TestNames.Queue());
        await queue.CreateAsync();
        var text = ProcessLeadTestsEnvelope();
        await queue.SendMessageAsync(text);
        for (var i = 0; i < 3; i++)
        {
            var held = (await queue.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value;
            await queue.UpdateMessageAsync(held.MessageId, held.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }
        var destination = Destination();

        await using var app = await StartAsync(destination, new() { ["LeadQueueName"] = queue.Name });

        var poisoned = await SinglePoisonAsync(app);
        var original = LeadEnvelope.TryParse(text, out _)!;
        Assert.Equal(original with { LastError = null }, poisoned with { LastError = null, Lead = original.Lead });
        Assert.Equal(original.Lead.GetRawText(), poisoned.Lead.GetRawText());   // the lead as it was
        Assert.Equal(("poison", "DequeueCountExceeded"), (poisoned.LastError!.Kind, poisoned.LastError.Code));
        Assert.Contains("4 times", poisoned.LastError.Message, StringComparison.Ordinal);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
        destination.Verify(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Unknown_destination_parks_every_lead_in_poison_with_the_reason_and_intake_keeps_working()
    {
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?>(FastQueue) { ["Destinations:Default"] = "Dynamics365" });

        var response = await app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var poisoned = await SinglePoisonAsync(app);
        Assert.Equal("UnknownDestination", poisoned.LastError!.Code);
        Assert.Contains("Destinations__Default 'Dynamics365'", poisoned.LastError.Message, StringComparison.Ordinal);
    }

    private static string ProcessLeadTestsEnvelope() => TestLeads.Envelope(RepoPaths.Sample("documented-sample-lead.json")).ToJson();

    private static Mock<ILeadDestination> Destination()
    {
        var destination = new Mock<ILeadDestination>();
        destination.Setup(d => d.Name).Returns("Fake");
        return destination;
    }

    private Task<TestApp> StartAsync(Mock<ILeadDestination> destination, Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(FastQueue);
        foreach (var (key, value) in settings ?? []) all[key] = value;
        return TestApp.StartAsync(azurite, all, services => services.AddSingleton(destination.Object));
    }

    private static async Task<string> PostAsync(TestApp app, string json)
    {
        var response = await app.PostLeadAsync(json);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("leadId").GetString()!;
    }

    private static async Task<LeadEnvelope> SinglePoisonAsync(TestApp app)
    {
        // A move to poison is a copy, then the delete of the original: wait for both.
        Assert.True(
            await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.PoisonQueue) >= 1 && await TestApp.CountMessagesAsync(app.Queue) == 0),
            "the lead was not moved to the poison queue (copied there, then deleted from the lead queue)");
        var message = Assert.Single((await app.PoisonQueue.PeekMessagesAsync(32)).Value);
        return LeadEnvelope.TryParse(message.MessageText, out var reason) ?? throw new Xunit.Sdk.XunitException(reason);
    }
}
