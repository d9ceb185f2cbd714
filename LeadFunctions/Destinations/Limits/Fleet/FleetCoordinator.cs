using System.Security.Cryptography;
using System.Text;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Settings;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>
/// Makes every app instance that delivers to one CRM user behave as one client (docs/design.md, "Decisions"): each
/// <c>Destinations__Fleet__RenewEvery</c>, and at once after a <c>429</c>, it renews this instance's membership in the fleet's
/// table partition, decides with <see cref="FleetRules"/> (the fleet's gate, the pace learned from every instance's
/// answers, this instance's concurrency claim) and applies this instance's share to the destination's
/// <see cref="DestinationThrottle"/>. The same in both hosting modes (it is a hosted service of the worker and of
/// standalone mode).
/// <para>
/// With a fleet-wide concurrency limit, an instance sends only within a claim it holds (docs/design.md, "D6. Many instances, one CRM limit"): nothing
/// before its first renewal, and nothing once its membership has lapsed (the table cannot be reached, or renewals come
/// late) until a renewal succeeds; its leads wait in the queue meanwhile. Without one, it works alone then, learning
/// its pace from its own <c>429</c>s. Nothing about a lead depends on the table.
/// </para>
/// </summary>
internal sealed partial class FleetCoordinator : BackgroundService
{
    /// <summary>Renewals that lose the race for the shared row this many times in a row wait for the next turn.</summary>
    private const int Attempts = 5;

    private readonly ICrmSettings _settings;
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

    public FleetCoordinator(ICrmSettings settings, DestinationThrottle throttle, IFleetStore? store, FleetOptions options, TimeProvider time, ILogger<FleetCoordinator> logger, string? id = null)
    {
        (_settings, _fleet, _store, _options, _time, _logger) = (settings, throttle.Fleet, store, options, time, logger);
        _problems = ValidatedOptions.ProblemsOf(options);
        _memberUntil = time.GetUtcNow() + options.MemberTimeout; // a table that cannot be reached from the start is reported after this
        Id = id ?? NewId();
        Fleet = FleetKey(settings.Destination, settings.LimitOwner);
        if (Active && Claims) throttle.Fleet.AwaitClaim(); // before any hosted service (the connection check) or delivery sends
    }

    /// <summary>This instance's id in the fleet.</summary>
    public string Id { get; }

    /// <summary>The fleet's partition: the destination and a hash of the CRM user whose limits it shares.</summary>
    public string Fleet { get; }

    private bool Active => _store is not null && _options.Enabled && _settings.Problem is null && _problems.Count == 0;

    /// <summary>Whether the CRM user has a fleet-wide concurrency limit, shared out as claims.</summary>
    private bool Claims => _settings.Options.FleetMaxConcurrency > 0;

    /// <summary>
    /// The time between renewals: <c>RenewEvery</c>, longer in a large fleet (N² ms), since every renewal reads every
    /// member's row: 100 instances read at most 1,000 rows a second from the partition (Azure's target per partition is 2,000).
    /// </summary>
    private TimeSpan Interval => Max(_options.RenewEvery, TimeSpan.FromMilliseconds(_instances * _instances));

    /// <summary>How long a renewal keeps this instance a member: <c>MemberTimeout</c>, and at least three renewals.</summary>
    private TimeSpan MemberTimeout => Max(_options.MemberTimeout, 3 * Interval);

    /// <summary>The coordinator of the destination <typeparamref name="TSettings"/> describes, as the app wires it.</summary>
    public static FleetCoordinator Create<TSettings>(IServiceProvider services, string name)
        where TSettings : ICrmSettings
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
            LogMisconfigured(_logger, _settings.Destination, string.Join(" ", _problems));
            return;
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

    /// <summary>From now on, every <c>429</c> and pause of the throttle is shared at once.</summary>
    internal void Attach() => _fleet.Episodes = Seen;

    /// <summary>One renewal: read the fleet, decide, write this instance's row (and the shared row if it changed), apply the share.</summary>
    internal async Task RenewAsync(CancellationToken cancellationToken)
    {
        if (!Active) return;
        List<ThrottleEpisode> seen;
        lock (_lock)
        {
            seen = [.. _seen];
            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

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
                    read, local, _settings.Options.FleetMaxConcurrency, MemberTimeout, Interval, _time.GetUtcNow(), ClaimGrace));
                await _store.WriteMemberAsync(Fleet, decision.Member, timeout.Token).ConfigureAwait(false);
                _memberUntil = decision.Member.ExpiresAt;
                if (decision.LimitChanged && !await _store.WriteLimitAsync(Fleet, decision.Limit, read.ETag, timeout.Token).ConfigureAwait(false)) continue;

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
            if (!_alone) LogAlone(_logger, _settings.Destination, _options.TableName, e.GetType().Name, LogText.FirstLine(e.Message), Claims);
            _alone = true;
        }
    }

    /// <summary>
    /// How long a lapsed member's claim still stands: the longest one attempt it started before its membership lapsed
    /// may run (<c>Destinations__&lt;Destination&gt;__Timeout</c>; no attempt starts after it lapsed).
    /// </summary>
    private TimeSpan ClaimGrace => _settings.Options.Timeout;

    /// <summary>
    /// The decision with this instance's claim made good: a smaller share is applied before the claim is written, and
    /// the claim covers every request then in flight (<see cref="DestinationThrottle.HoldTo"/>).
    /// </summary>
    private FleetDecision HeldTo(FleetDecision decision)
    {
        var inFlight = _fleet.HoldTo(decision.Share.Concurrency);
        if (_settings.Options.FleetMaxConcurrency <= 0 || decision.Limit.Claims.GetValueOrDefault(Id) >= inFlight) return decision;
        var claims = new Dictionary<string, int>(decision.Limit.Claims, StringComparer.Ordinal) { [Id] = inFlight };
        return decision with { Limit = decision.Limit with { Claims = claims }, LimitChanged = true };
    }

    /// <summary>
    /// Takes no more slots, and once the requests in flight have ended gives its slots back and removes its row, so
    /// that the others need not wait for it to expire. Requests still in flight after a short wait keep the claim
    /// standing until it expires.
    /// </summary>
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
        if (_alone) LogRejoined(_logger, _settings.Destination);
        if (!_joined || _alone || decision.Instances != _instances)
        {
            LogSharing(_logger, _settings.Destination, decision.Instances, decision.Share.Concurrency, _settings.Options.FleetMaxConcurrency);
        }

        if (decision.Learned is { } pace) LogLearned(_logger, _settings.Destination, decision.Instances, pace);
        (_joined, _alone, _instances) = (true, false, decision.Instances);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string FleetKey(string destination, string owner) =>
        $"{destination}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(owner)))[..32]}";

    private static string NewId()
    {
        var machine = new string(Environment.MachineName.Where(char.IsAsciiLetterOrDigit).Take(24).ToArray());
        return $"{machine}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Destination}: {Instances} instance(s) share this CRM user's limits; this one sends at most {Concurrency} requests at once (of {FleetMaxConcurrency} for all; 0 = no fleet-wide limit) and its part of the fleet's pace")]
    private static partial void LogSharing(ILogger logger, string destination, int instances, int concurrency, int fleetMaxConcurrency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination} throttled the fleet: all {Instances} instance(s) waited, and now send at most {Pace:F1} requests/s together, learned from what every instance was answered")]
    private static partial void LogLearned(ILogger logger, string destination, int instances, double pace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Destination}: the fleet table {Table} cannot be reached ({ErrorType}: {Error}); until it can, this instance sends nothing if the CRM user has a fleet-wide concurrency limit ({HasLimit}: its leads wait in the queue), else it throttles itself alone")]
    private static partial void LogAlone(ILogger logger, string destination, string table, string errorType, string error, bool hasLimit);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Destination}: the fleet table can be reached again; this instance takes its share again")]
    private static partial void LogRejoined(ILogger logger, string destination);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Destination}: the fleet settings are wrong, so this instance throttles itself alone: {Problem}")]
    private static partial void LogMisconfigured(ILogger logger, string destination, string problem);
}
