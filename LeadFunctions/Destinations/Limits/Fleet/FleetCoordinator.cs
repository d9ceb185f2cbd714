using System.Security.Cryptography;
using LeadFunctions.Settings;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>Instances on one CRM user behave as one client (docs/design.md, "D6. Many instances, one CRM limit").</summary>
internal sealed class FleetCoordinator : BackgroundService
{
    private const int Attempts = 5; // renewals that lose the race for the shared row this often wait for the next turn

    private readonly ILimitedUser _settings;
    private readonly FleetSharing _fleet;
    private readonly IFleetStore? _store;
    private readonly FleetOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly List<ThrottleEpisode> _seen = [];
    private readonly IReadOnlyList<string> _problems;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _memberUntil;
    private bool _joined;
    private bool _alone;
    private int _instances;

    public FleetCoordinator(
        ILimitedUser settings, DestinationThrottle throttle, IFleetStore? store, FleetOptions options, TimeProvider time,
        ILogger<FleetCoordinator> logger, string? id = null)
    {
        (_settings, _fleet, _store, _options, _time, _logger) = (settings, throttle.Fleet, store, options, time, logger);
        _problems = ValidatedOptions.ProblemsOf(options);
        _memberUntil = time.GetUtcNow() + options.MemberTimeout; // a table never reached is reported after this
        var machine = new string(Environment.MachineName.Where(char.IsAsciiLetterOrDigit).Take(24).ToArray());
        Id = id ?? $"{machine}-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Fleet = $"{settings.Name}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(settings.LimitOwner)))[..32]}";
        if (Active && Claims) _fleet.AwaitClaim(); // before any hosted service (the connection check) or delivery sends
    }

    public string Id { get; }

    /// <summary>The fleet's partition: the destination and a hash of the CRM user whose limits it shares.</summary>
    public string Fleet { get; }

    private bool Active => _store is not null && _options.Enabled && _settings.Problem is null && _problems.Count == 0;

    private bool Claims => _settings.FleetMaxConcurrency > 0;

    /// <summary><c>RenewEvery</c>, and N² ms in a fleet of N (each renewal reads every row: D6, "What it costs").</summary>
    private TimeSpan Interval => TimeSpan.FromTicks(Math.Max(_options.RenewEvery.Ticks, TimeSpan.FromMilliseconds(_instances * _instances).Ticks));

    /// <summary><c>MemberTimeout</c>, and at least three renewals.</summary>
    private TimeSpan MemberTimeout => TimeSpan.FromTicks(Math.Max(_options.MemberTimeout.Ticks, 3 * Interval.Ticks));

    public static FleetCoordinator Create<TSettings>(IServiceProvider services, string name)
        where TSettings : ILimitedUser
    {
        var options = services.GetRequiredService<IOptions<FleetOptions>>().Value;
        var storage = services.GetService<LeadStorage>();
        return new FleetCoordinator(
            services.GetRequiredService<TSettings>(), services.GetRequiredKeyedService<DestinationThrottle>(name),
            storage is null ? null : new FleetTable(storage.Tables.GetTableClient(options.TableName)), options,
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<FleetCoordinator>>());
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (Active && _joined) await LeaveAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_problems.Count > 0 && _store is not null && _options.Enabled)
        {
            FleetLog.Misconfigured(_logger, _settings.Name, string.Join(" ", _problems));
        }

        if (!Active) return;
        Attach();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = Volatile.Read(ref _wake);
            await RenewAsync(stoppingToken).ConfigureAwait(false);
            using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            await Task.WhenAny(wake.Task, Task.Delay(Interval, _time, sleeping.Token)).ConfigureAwait(false);
            await sleeping.CancelAsync().ConfigureAwait(false);
        }
    }

    internal void Attach() => _fleet.Episodes = Seen;

    internal async Task RenewAsync(CancellationToken cancellationToken)
    {
        if (!Active) return;
        List<ThrottleEpisode> seen;
        lock (_lock) (seen, _wake) = ([.. _seen], new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        var busy = _fleet.TakeBusy();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(MemberTimeout / 2);
        try
        {
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                var read = await _store!.ReadAsync(Fleet, timeout.Token).ConfigureAwait(false);
                var local = new FleetLocal(Id, _fleet.OwnCeiling, _fleet.InFlight, busy, _fleet.LastPacedTurn, seen, _fleet.CountAnswered);
                var decision = HeldTo(FleetRules.Decide(
                    read, local, _settings.FleetMaxConcurrency, MemberTimeout, Interval, _time.GetUtcNow(), _settings.AttemptTimeout));
                await _store.WriteMemberAsync(Fleet, decision.Member, timeout.Token).ConfigureAwait(false);
                _memberUntil = decision.Member.ExpiresAt;
                if (decision.LimitChanged && !await _store.WriteLimitAsync(Fleet, decision.Limit, read.ETag, timeout.Token).ConfigureAwait(false))
                {
                    continue;
                }

                lock (_lock) _seen.RemoveRange(0, seen.Count);
                _fleet.Apply(decision.Share, decision.Member.ExpiresAt);
                Report(decision);
                return;
            }
        }
#pragma warning disable CA1031 // Whatever the table does, nothing about a lead depends on it: it waits in the queue, or is sent alone.
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            if (_time.GetUtcNow() < _memberUntil - Interval) return; // the share in force still holds
            _fleet.Unshare();
            if (!_alone) FleetLog.Alone(_logger, _settings.Name,
                _options.TableName, e.GetType().Name, LogText.FirstLine(e.Message), Claims);
            _alone = true;
        }
    }

    /// <summary>Takes no more slots; once its requests have ended, gives its claim back and removes its row (else they expire).</summary>
    internal async Task LeaveAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            while (_fleet.Relinquish() > 0) await Task.Delay(TimeSpan.FromMilliseconds(20), _time, timeout.Token).ConfigureAwait(false);
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                var read = await _store!.ReadAsync(Fleet, timeout.Token).ConfigureAwait(false);
                if (read.Limit is not { } limit || !limit.Claims.ContainsKey(Id)) break;
                var claims = limit.Claims.Where(c => c.Key != Id).ToDictionary(StringComparer.Ordinal);
                if (await _store.WriteLimitAsync(Fleet, limit with { Claims = claims }, read.ETag, timeout.Token).ConfigureAwait(false)) break;
            }

            await _store!.RemoveMemberAsync(Fleet, Id, timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: otherwise the row expires after Destinations__Fleet__MemberTimeout.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>A smaller share is applied before the claim is written, and the claim covers every request then in flight.</summary>
    private FleetDecision HeldTo(FleetDecision decision)
    {
        var inFlight = _fleet.HoldTo(decision.Share.Concurrency);
        if (!Claims || decision.Limit.Claims.GetValueOrDefault(Id) >= inFlight) return decision;
        var claims = new Dictionary<string, int>(decision.Limit.Claims, StringComparer.Ordinal) { [Id] = inFlight };
        return decision with { Limit = decision.Limit with { Claims = claims }, LimitChanged = true };
    }

    /// <summary>A <c>429</c> or pause seen here: shared at the next renewal, which starts at once.</summary>
    private void Seen(ThrottleEpisode episode)
    {
        lock (_lock)
        {
            _seen.Add(episode);
            _wake.TrySetResult();
        }
    }

    private void Report(FleetDecision decision)
    {
        if (_alone) FleetLog.Rejoined(_logger, _settings.Name);
        var (destination, instances, max) = (_settings.Name, decision.Instances, _settings.FleetMaxConcurrency);
        if (!_joined || _alone || instances != _instances) FleetLog.Sharing(_logger, destination, instances, decision.Share.Concurrency, max);
        if (decision.Learned is { } pace) FleetLog.Learned(_logger, destination, instances, pace);
        (_joined, _alone, _instances) = (true, false, decision.Instances);
    }
}
