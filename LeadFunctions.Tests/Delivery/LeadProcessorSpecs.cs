using System.Diagnostics.Metrics;
using System.Reflection;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using LeadFunctions.Delivery;
using LeadFunctions.Destinations;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace LeadFunctions.Tests.Delivery;

/// <summary>
/// The processor's outcome table (docs/design.md, "Delivery outcomes"; also its "Exactly once" and "Copies of a
/// message"), in memory: for what each destination answers, what happens to the queue message — deleted (the processor
/// returns), re-scheduled as a new message with which delay, or moved to the poison queue with which reason.
/// Destinations are Moq doubles; the two queues are Moq doubles of the SDK's <see cref="QueueClient"/>; the journal is
/// off and the messages carry no id, so the settlement ledger takes every step without a table.
/// </summary>
public sealed class LeadProcessorSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxAge = TimeSpan.FromHours(72);

    // What a destination answers.
    private static DeliveryOutcome Delivered => new DeliveryOutcome.Delivered(AlreadyThere: false);

    private static DeliveryOutcome AlreadyThere => new DeliveryOutcome.Delivered(AlreadyThere: true);

    private static DeliveryOutcome.RetryLater Unavailable(string destination, TimeSpan? retryAfter = null) =>
        new DeliveryOutcome.RetryLater(new DeliveryFailure(destination, 503, null, "Service unavailable"), retryAfter);

    private static DeliveryOutcome.CannotDeliver Forbidden(string destination) =>
        new DeliveryOutcome.CannotDeliver(new DeliveryFailure(destination, 403, "0x80040220", "Principal user is missing prvCreateLead privilege"));

    // What happens to the message.
    private static Expected Deleted => new([]);

    private static Expected Rescheduled(int nextAttempt, TimeSpan delay, string[]? targets = null, string? destination = "A", bool exactDelay = false) =>
        new([new Written("leads", targets, nextAttempt, "retry", 503, null, destination, delay, exactDelay)]);

    private static Written Poison(string[]? targets, int? status = 403, string? code = "0x80040220", string destination = "A", string? says = null) =>
        new("leads-poison", targets, null, "poison", status, code, destination, null, false, says);

    /// <summary>The outcome table: one destination, then several at once.</summary>
    private static readonly Row[] Table =
    [
        // name                                                              attempt  age       destinations: outcome                  what happens to the message
        new("Delivered: deleted, nothing written",                               1, null, [("A", Delivered)],                         Deleted),
        new("Delivered, already there (an earlier answer lost): deleted",        1, null, [("A", AlreadyThere)],                      Deleted),
        new("Retry later on attempt 1: re-scheduled after FirstRetryDelay",      1, null, [("A", Unavailable("A"))],                  Rescheduled(2, FirstRetryDelay)),
        new("Retry later on attempt 2: the delay doubles",                       2, null, [("A", Unavailable("A"))],                  Rescheduled(3, FirstRetryDelay * 2)),
        new("Retry later on attempt 4: doubled three times",                     4, null, [("A", Unavailable("A"))],                  Rescheduled(5, FirstRetryDelay * 8)),
        new("Retry later on attempt 9: capped at MaxRetryDelay",                 9, null, [("A", Unavailable("A"))],                  Rescheduled(10, MaxRetryDelay)),
        new("Retry later with a Retry-After longer than the schedule: it wins",  1, null, [("A", Unavailable("A", TimeSpan.FromHours(2)))], Rescheduled(2, TimeSpan.FromHours(2), exactDelay: true)),
        new("Retry later with a Retry-After shorter than the schedule: schedule", 1, null, [("A", Unavailable("A", TimeSpan.FromSeconds(5)))], Rescheduled(2, FirstRetryDelay)),
        new("Retry later past MaxAge: poisoned, gave up, with the last error",   7, MaxAge,  [("A", Unavailable("A"))],               new([Poison(null, 503, null, says: "Gave up after 7 attempts")])),
        new("Retry later just under MaxAge: still re-scheduled (capped delay)",  7, MaxAge - TimeSpan.FromSeconds(1), [("A", Unavailable("A"))], Rescheduled(8, MaxRetryDelay)),
        new("Cannot deliver: poisoned at once with status, code and reason",     1, null, [("A", Forbidden("A"))],                    new([Poison(null, says: "prvCreateLead")])),

        new("A delivered, B delivered: deleted",                                 1, null, [("A", Delivered), ("B", AlreadyThere)],    Deleted),
        new("A delivered, B retry: re-scheduled for B only",                     1, null, [("A", Delivered), ("B", Unavailable("B"))], Rescheduled(2, FirstRetryDelay, ["B"], "B")),
        new("A cannot, B delivered: poisoned for A only",                        1, null, [("A", Forbidden("A")), ("B", Delivered)],  new([Poison(["A"])])),
        new("A cannot, B cannot: one poison message each",                       1, null, [("A", Forbidden("A")), ("B", Forbidden("B"))], new([Poison(["A"]), Poison(["B"], destination: "B")])),
        new("A retry, B retry: one re-scheduled message for both, longest wait", 1, null,
            [("A", Unavailable("A", TimeSpan.FromMinutes(10))), ("B", Unavailable("B", TimeSpan.FromMinutes(30)))],
            Rescheduled(2, TimeSpan.FromMinutes(30), targets: null, destination: "A, B", exactDelay: true)),
        new("A retry, B cannot, C delivered: retry for A, poison for B",         1, null,
            [("A", Unavailable("A")), ("B", Forbidden("B")), ("C", Delivered)],
            new([new Written("leads", ["A"], 2, "retry", 503, null, "A", FirstRetryDelay, false), Poison(["B"], destination: "B")])),
    ];

    public static TheoryData<string> Rows => new(Table.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Outcome_table(string name)
    {
        var row = Table.Single(r => r.Name == name);
        var world = new World(row.Destinations.Select(d => d.Name).ToArray());
        foreach (var (destination, outcome) in row.Destinations) world.Answers(destination, outcome);
        var envelope = World.Envelope(row.Attempt, row.Age);

        await world.Processor.ProcessAsync(new QueuedMessage(envelope.ToJson(), 1, null), CancellationToken.None);

        Assert.Equal(row.Expected.Messages.Count, world.Sent.Count);
        foreach (var expected in row.Expected.Messages)
        {
            // A message written after the first processing names the lead's route and its destinations (all of them when null here).
            var sent = Assert.Single(world.Sent, s => s.Queue == expected.Queue && Same(s.Envelope.Destinations, expected.Targets ?? [.. row.Destinations.Select(d => d.Name)]));
            var next = sent.Envelope;
            Assert.Equal(LeadFunctions.Routing.RouteDecision.Default, next.Route);
            Assert.Equal(envelope.LeadId, next.LeadId);
            Assert.Equal(envelope.ReceivedAt, next.ReceivedAt);
            Assert.Equal(expected.Attempt ?? row.Attempt, next.Attempt);
            Assert.Equal(expected.Kind, next.LastError!.Kind);
            Assert.Equal(expected.Status, next.LastError.Status);
            Assert.Equal(expected.Code, next.LastError.Code);
            Assert.Equal(expected.Destination, next.LastError.Destination);
            Assert.Equal(Now, next.LastError.At);
            if (expected.Says is { } says) Assert.Contains(says, next.LastError.Message, StringComparison.Ordinal);
            Assert.Equal(LeadQueue.NeverExpires, sent.TimeToLive);
            if (expected.Delay is { } delay)
            {
                // The schedule adds up to 10% jitter so that leads that failed together do not come back together.
                var visibility = sent.Visibility!.Value;
                if (expected.ExactDelay) Assert.Equal(delay, visibility);
                else Assert.InRange(visibility, delay, delay + delay / 10);
                Assert.Equal(Now + visibility, next.RetryAt);
            }
            else
            {
                Assert.Null(sent.Visibility);
            }
        }
    }

    [Fact]
    public async Task Destination_that_throws_before_the_last_dequeue_releases_the_message_for_another_try()
    {
        var world = new World("A");
        world.Throws("A", new HttpRequestException("connection reset"));

        await Assert.ThrowsAsync<HttpRequestException>(() => world.Processor.ProcessAsync(new QueuedMessage(World.Envelope().ToJson(), 4, null), CancellationToken.None));

        Assert.Empty(world.Sent);
    }

    [Fact]
    public async Task Destination_that_throws_on_the_last_dequeue_poisons_the_message_with_the_count_and_the_error()
    {
        var world = new World("A");
        world.Throws("A", new HttpRequestException("connection reset"));

        await world.Processor.ProcessAsync(new QueuedMessage(World.Envelope().ToJson(), 5, null), CancellationToken.None);

        var poisoned = Assert.Single(world.Sent);
        Assert.Equal("leads-poison", poisoned.Queue);
        Assert.Equal("poison", poisoned.Envelope.LastError!.Kind);
        Assert.Equal("A", poisoned.Envelope.LastError.Destination);
        Assert.Equal(nameof(HttpRequestException), poisoned.Envelope.LastError.Code);
        Assert.Contains("Failed on each of 5 dequeues", poisoned.Envelope.LastError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Envelope_whose_lead_id_is_not_its_leads_is_poisoned_as_a_mismatch_and_never_delivered()
    {
        var world = new World("A");
        var envelope = World.Envelope() with { LeadId = new string('0', 32) };

        await world.Processor.ProcessAsync(new QueuedMessage(envelope.ToJson(), 1, null), CancellationToken.None);

        var poisoned = Assert.Single(world.Sent);
        Assert.Equal("leads-poison", poisoned.Queue);
        Assert.Equal(LeadIdCheck.Code, poisoned.Envelope.LastError!.Code);
        Assert.Equal("intake", poisoned.Envelope.LastError.Destination);
        world.NeverAsked("A");
    }

    [Fact]
    public async Task Message_that_is_not_an_envelope_goes_to_the_poison_queue_at_once_with_the_reason_beside_it()
    {
        var world = new World("A");

        await world.Processor.ProcessAsync(new QueuedMessage("not an envelope", 1, "message-1"), CancellationToken.None);

        var poisoned = Assert.Single(world.SentTexts);
        Assert.Equal("leads-poison", poisoned.Queue);
        Assert.Contains(UnreadableMessage.NotAnEnvelope, poisoned.Text, StringComparison.Ordinal);
        Assert.Contains("not an envelope", poisoned.Text, StringComparison.Ordinal);
        world.NeverAsked("A");
    }

    [Fact]
    public async Task Test_lead_is_skipped_and_deleted_when_Delivery_TestLeads_is_Skip()
    {
        var world = new World(["A"], TestLeadHandling.Skip);
        var lead = RepoPaths.Sample("test-lead-lowercase.json");
        var envelope = TestLeads.Envelope(lead);

        await world.Processor.ProcessAsync(new QueuedMessage(envelope.ToJson(), 1, null), CancellationToken.None);

        Assert.Empty(world.Sent);
        world.NeverAsked("A");
    }

    private static bool Same(IReadOnlyList<string>? actual, string[]? expected) =>
        expected is null ? actual is null : actual is not null && actual.SequenceEqual(expected);

    private sealed record Row(string Name, int Attempt, TimeSpan? Age, (string Name, DeliveryOutcome Outcome)[] Destinations, Expected Expected);

    private sealed record Expected(IReadOnlyList<Written> Messages);

    /// <summary>One message the processor writes: to which queue, for which targets, with which attempt, reason and delay.</summary>
    private sealed record Written(
        string Queue, string[]? Targets, int? Attempt, string Kind, int? Status, string? Code, string? Destination, TimeSpan? Delay, bool ExactDelay, string? Says = null);

    private sealed record Sent(string Queue, LeadEnvelope Envelope, TimeSpan? Visibility, TimeSpan? TimeToLive);

    /// <summary>A processor with Moq destinations and queues that record what is sent to them.</summary>
    private sealed class World
    {
        private readonly Dictionary<string, Mock<ILeadDestination>> _destinations;
        private readonly FakeTimeProvider _time = new(Now);

        public World(params string[] destinations)
            : this(destinations, TestLeadHandling.Deliver)
        {
        }

        public World(string[] destinations, TestLeadHandling testLeads)
        {
            _destinations = destinations.ToDictionary(name => name, name =>
            {
                var mock = new Mock<ILeadDestination>(MockBehavior.Strict);
                mock.SetupGet(d => d.Name).Returns(name);
                return mock;
            });
            var delivery = Options.Create(new DeliveryOptions
            {
                FirstRetryDelay = FirstRetryDelay, MaxRetryDelay = MaxRetryDelay, MaxAge = MaxAge, JournalTable = "", TestLeads = testLeads,
            });
            var trigger = Options.Create(new QueueTriggerOptions { MaxDequeueCount = 5 });
            var storage = new LeadStorage(Options.Create(new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" }), trigger);
            Replace(storage, nameof(LeadStorage.LeadQueue), Queue("leads"));
            Replace(storage, nameof(LeadStorage.PoisonQueue), Queue("leads-poison"));
            var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
            Processor = new LeadProcessor(
                new LeadDestinations(_destinations.Values.Select(d => d.Object).ToList()),
                new LeadFunctions.Routing.LeadRouter(Options.Create(new LeadFunctions.Routing.RoutesOptions()),
                    Options.Create(new DestinationOptions { Default = string.Join(";", _destinations.Keys) })),
                new LeadQueue(storage, new LeadQueueSignal()),
                new DeliveryJournal(storage, delivery, NullLogger<DeliveryJournal>.Instance),
                new SettlementLedger(storage, delivery, _time, NullLogger<SettlementLedger>.Instance),
                new LeadMetrics(meters),
                delivery,
                trigger,
                _time,
                NullLogger<LeadProcessor>.Instance);
        }

        public LeadProcessor Processor { get; }

        public List<(string Queue, string Text, TimeSpan? Visibility, TimeSpan? TimeToLive)> SentTexts { get; } = [];

        public List<Sent> Sent => SentTexts.Select(s => new Sent(s.Queue, LeadEnvelope.TryParse(s.Text, out _)!, s.Visibility, s.TimeToLive)).ToList();

        public static LeadEnvelope Envelope(int attempt = 1, TimeSpan? age = null) =>
            TestLeads.Envelope(RepoPaths.Sample("documented-sample-lead.json")) with { ReceivedAt = Now - (age ?? TimeSpan.FromMinutes(5)), Attempt = attempt };

        public void Answers(string destination, DeliveryOutcome outcome) =>
            _destinations[destination].Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>())).ReturnsAsync(outcome);

        public void Throws(string destination, Exception exception) =>
            _destinations[destination].Setup(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>())).ThrowsAsync(exception);

        public void NeverAsked(string destination) =>
            _destinations[destination].Verify(d => d.DeliverAsync(It.IsAny<LeadDelivery>(), It.IsAny<CancellationToken>()), Times.Never);

        private QueueClient Queue(string name)
        {
            var queue = new Mock<QueueClient>(MockBehavior.Strict);
            queue.SetupGet(q => q.Name).Returns(name);
            queue.Setup(q => q.SendMessageAsync(It.IsAny<string>(), It.IsAny<TimeSpan?>(), It.IsAny<TimeSpan?>(), It.IsAny<CancellationToken>()))
                .ReturnsAsync((string text, TimeSpan? visibility, TimeSpan? timeToLive, CancellationToken _) =>
                {
                    lock (SentTexts) SentTexts.Add((name, text, visibility, timeToLive));
                    return Response.FromValue(QueuesModelFactory.SendReceipt("id", Now, Now, "pop", Now), Mock.Of<Response>());
                });
            return queue.Object;
        }

        /// <summary>
        /// <see cref="LeadStorage"/> builds its own queue clients and <see cref="LeadQueue"/> is sealed: there is no seam
        /// for a queue double. The spec puts its doubles where the clients are kept (the properties' backing fields).
        /// </summary>
        private static void Replace(LeadStorage storage, string property, QueueClient queue)
        {
            var field = typeof(LeadStorage).GetField($"<{property}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
                        ?? throw new InvalidOperationException($"LeadStorage.{property} is no longer an auto-property; give the spec another way to put a queue double there.");
            field.SetValue(storage, queue);
        }
    }
}
