using LeadFunctions.Delivery;
using LeadFunctions.Destinations;
using LeadFunctions.Functions;
using LeadFunctions.Leads;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace LeadFunctions.Tests.Functions;

/// <summary>
/// The ProcessLead function as the worker calls it: the message text and the host's trigger metadata in, and back
/// either success (the host deletes the message) or an exception (the host releases it and, at its last dequeue,
/// moves it to the poison queue). The destination is a Moq double; the queues are Azurite's.
/// </summary>
public sealed class ProcessLeadFunctionTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const int MaxDequeueCount = 3;

    [Theory]
    [InlineData(1L)]        // as a number
    [InlineData("1")]       // as text
    [InlineData("\"1\"")]   // as JSON text, as the host sends some metadata
    public async Task Delivers_the_lead_in_the_message_and_returns(object dequeueCount)
    {
        var destination = Destination();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>())).ReturnsAsync(new DeliveryOutcome.Delivered(false));
        await using var app = await StartAsync(destination);
        var envelope = TestLeads.Envelope(RepoPaths.Sample("documented-sample-lead.json"));

        await Function(app).RunAsync(envelope.ToJson(), Context(dequeueCount));

        destination.Verify(d => d.DeliverAsync(It.Is<LeadDelivery>(l => l.LeadId == envelope.LeadId && l.Lead.Customer.Email == "someone@contoso.com"), It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
    }

    [Fact]
    public async Task Throws_before_the_last_dequeue_so_the_host_tries_again()
    {
        var destination = Destination();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("boom"));
        await using var app = await StartAsync(destination);
        var envelope = TestLeads.Envelope(RepoPaths.Sample("documented-sample-lead.json"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Function(app).RunAsync(envelope.ToJson(), Context(MaxDequeueCount - 1L)));

        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
    }

    [Fact]
    public async Task At_the_last_dequeue_it_poisons_the_lead_with_the_reason_itself_and_returns()
    {
        var destination = Destination();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("boom"));
        await using var app = await StartAsync(destination);
        var envelope = TestLeads.Envelope(RepoPaths.Sample("documented-sample-lead.json"));

        await Function(app).RunAsync(envelope.ToJson(), Context(MaxDequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var poisoned = LeadEnvelope.TryParse(Assert.Single((await app.PoisonQueue.PeekMessagesAsync(32)).Value).MessageText, out _)!;
        Assert.Equal(envelope.LeadId, poisoned.LeadId);
        Assert.Contains($"{MaxDequeueCount} dequeues", poisoned.LastError!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_invocation_cancellation_reaches_the_destination()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var destination = Destination();
        destination.Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()))
            .Returns((LeadDelivery _, CancellationToken token) => Task.FromCanceled<DeliveryOutcome>(token));
        await using var app = await StartAsync(destination);
        var envelope = TestLeads.Envelope(RepoPaths.Sample("documented-sample-lead.json"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Function(app).RunAsync(envelope.ToJson(), Context(1L, cancelled.Token)));
        destination.Verify(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), cancelled.Token), Times.Once);
    }

    private static ProcessLead Function(TestApp app) => ActivatorUtilities.CreateInstance<ProcessLead>(app.App.Services);

    private static Microsoft.Azure.Functions.Worker.FunctionContext Context(object dequeueCount, CancellationToken cancellationToken = default) =>
        FunctionContexts.WithTriggerMetadata(new Dictionary<string, object?>
        {
            ["DequeueCount"] = dequeueCount,
            ["Id"] = "\"8c3e4a5b-0000-4000-8000-000000000001\"",
            ["PopReceipt"] = "\"AgAAAAMAAAAAAAAA\"",
        }, cancellationToken);

    private static Mock<ILeadDestination> Destination()
    {
        var destination = new Mock<ILeadDestination>();
        destination.Setup(d => d.Name).Returns("Fake");
        return destination;
    }

    /// <summary>The app's services with no queue listener: only the function under test handles messages.</summary>
    private Task<TestApp> StartAsync(Mock<ILeadDestination> destination) =>
        TestApp.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Standalone:ProcessQueue"] = "false",
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = MaxDequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, services => services.AddSingleton(destination.Object));
}
