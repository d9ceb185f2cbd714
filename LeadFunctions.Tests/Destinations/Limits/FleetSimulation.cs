using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Limits.Fleet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LeadFunctions.Tests.Destinations.Limits;

/// <summary>
/// Several app instances draining an endless backlog into one CRM user, on a fake clock: each instance is a
/// <see cref="DestinationThrottle"/> with workers that take a slot, wait for their turn and send — and, when shared, a
/// <see cref="FleetCoordinator"/> renewing every <see cref="RenewEvery"/> (and at once after a <c>429</c>) through an
/// <see cref="InMemoryFleetStore"/>. The CRM admits <c>Requests</c> per sliding <c>Window</c> and <c>Concurrency</c>
/// at once, takes <c>Latency</c> per request, and answers the rest <c>429</c> (Retry-After: the window, or 1 s over
/// the concurrency).
/// </summary>
internal sealed class FleetSimulation(int requests, TimeSpan window, int concurrency, TimeSpan latency, bool shared)
{
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(2);

    /// <summary>Deliveries an instance has under way at once (the queue trigger's batch and more): more than its slots.</summary>
    private const int WorkersPerInstance = 16;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryFleetStore _store = new();
    private readonly Queue<DateTimeOffset> _admitted = new();
    private readonly List<DateTimeOffset> _inFlight = [];
    private readonly List<Instance> _instances = [];
    private readonly DataverseSettings _settings = new(Options.Create(new DataverseOptions
    {
        Url = "https://contoso.crm.dynamics.com", Credential = DataverseCredential.None, FleetMaxConcurrency = concurrency,
    }));

    public int Created { get; private set; }


    public int Throttled { get; private set; }

    public int OverConcurrency { get; private set; }

    public int PeakConcurrency { get; private set; }

    /// <summary>The CRM's rate: requests per second.</summary>
    public double Allowed => requests / window.TotalSeconds;

    public TimeSpan Elapsed => _time.GetUtcNow() - Start;

    public InMemoryFleetStore Store => _store;

    private DateTimeOffset Start { get; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Starts one more instance now.</summary>
    public void Join()
    {
        var throttle = new DestinationThrottle(8, _time);
        var coordinator = shared
            ? new FleetCoordinator(_settings, throttle, _store, new FleetOptions { RenewEvery = RenewEvery }, _time, NullLogger<FleetCoordinator>.Instance, $"i{_instances.Count}")
            : null;
        coordinator?.Attach();
        _instances.Add(new Instance(throttle, coordinator, _time.GetUtcNow(), Enumerable.Range(0, WorkersPerInstance).Select(_ => new Worker()).ToList()));
    }

    /// <summary>Runs every instance for <paramref name="duration"/>.</summary>
    public async Task RunAsync(TimeSpan duration)
    {
        var end = _time.GetUtcNow() + duration;
        foreach (var instance in _instances) await RenewAsync(instance);
        while (_time.GetUtcNow() < end)
        {
            var now = _time.GetUtcNow();
            foreach (var instance in _instances)
            {
                if (instance.NextRenewal <= now || instance.Coordinator is not null && instance.SawLimit) await RenewAsync(instance);
            }

            bool moved;
            do
            {
                moved = false;
                foreach (var instance in _instances)
                {
                    foreach (var worker in instance.Workers) moved |= Step(instance, worker, now);
                    moved |= await SlotsGivenAsync(instance);
                }
            }
            while (moved);

            var next = _instances.SelectMany(i => i.Workers.Select(w => w.Due).Append(i.NextRenewal)).Where(t => t > now).DefaultIfEmpty(end).Min();
            _time.Advance((next < end ? next : end) - now);
        }
    }

    /// <summary>
    /// Waits until every slot the throttle has given a waiting worker (when another was released) has reached it: the
    /// wait ends on the thread pool, outside this loop.
    /// </summary>
    private static async Task<bool> SlotsGivenAsync(Instance instance)
    {
        var given = false;
        while (true)
        {
            // The waits first: a slot given meanwhile is then either among them or already counted as taken.
            var waiting = instance.Workers.Select(w => w.Waiting).OfType<Task<IDisposable>>().Where(t => !t.IsCompleted).ToList();
            if (instance.Throttle.InFlight <= instance.Workers.Count(w => w.Slot is not null || w.Waiting is { IsCompleted: true })) return given;
            await Task.WhenAny(waiting);
            given = true;
        }
    }

    private async Task RenewAsync(Instance instance)
    {
        instance.SawLimit = false;
        instance.NextRenewal = _time.GetUtcNow() + RenewEvery;
        if (instance.Coordinator is { } coordinator) await coordinator.RenewAsync(CancellationToken.None);
    }

    /// <summary>Moves one worker on if it can: takes a slot, waits for its turn, sends, or handles the answer.</summary>
    private bool Step(Instance instance, Worker worker, DateTimeOffset now)
    {
        var throttle = instance.Throttle;
        switch (worker)
        {
            case { Slot: null, Waiting: null }:
                worker.Waiting = throttle.EnterAsync(CancellationToken.None).AsTask();
                worker.Due = DateTimeOffset.MaxValue;
                return true;
            case { Slot: null, Waiting: { IsCompleted: true } waiting }:
                worker.Slot = waiting.Result;
                worker.Waiting = null;
                worker.Due = now;
                return true;
            case { Slot: not null, Sending: false } when worker.Due <= now:
                var wait = throttle.NextTurn(ref worker.Turn);
                if (wait > TimeSpan.Zero)
                {
                    worker.Due = now + wait;
                    return false;
                }

                worker.Turn = 0;
                (worker.Status, worker.RetryAfter) = Send(now);
                (worker.Sending, worker.Due) = (true, now + latency);
                return true;
            case { Slot: not null, Sending: true } when worker.Due <= now:
                _inFlight.Remove(worker.Due);
                if (worker.Status == 429)
                {
                    throttle.Throttled(worker.RetryAfter);
                    instance.SawLimit = true;
                }
                else
                {
                    throttle.Answered(succeeded: true, sentAt: worker.Due - latency);
                    Created++;
                }

                worker.Slot.Dispose();
                (worker.Slot, worker.Sending) = (null, false);
                return true;
            default:
                return false;
        }
    }

    private (int Status, TimeSpan RetryAfter) Send(DateTimeOffset now)
    {
        _inFlight.Add(now + latency);
        PeakConcurrency = Math.Max(PeakConcurrency, _inFlight.Count);
        if (_inFlight.Count > concurrency)
        {
            (Throttled, OverConcurrency) = (Throttled + 1, OverConcurrency + 1);
            return (429, TimeSpan.FromSeconds(1));
        }

        while (_admitted.Count > 0 && now - _admitted.Peek() >= window) _admitted.Dequeue();
        if (_admitted.Count >= requests)
        {
            Throttled++;
            return (429, window);
        }

        _admitted.Enqueue(now);
        return (200, TimeSpan.Zero);
    }

    private sealed record Instance(DestinationThrottle Throttle, FleetCoordinator? Coordinator, DateTimeOffset Started, List<Worker> Workers)
    {
        public DateTimeOffset NextRenewal { get; set; } = Started;

        public bool SawLimit { get; set; }
    }

    private sealed class Worker
    {
        public long Turn;

        public Task<IDisposable>? Waiting { get; set; }

        public IDisposable? Slot { get; set; }

        public bool Sending { get; set; }

        public DateTimeOffset Due { get; set; }

        public int Status { get; set; }

        public TimeSpan RetryAfter { get; set; }
    }
}
