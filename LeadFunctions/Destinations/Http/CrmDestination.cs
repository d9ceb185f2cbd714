using LeadFunctions.Destinations.Limits;
using LeadFunctions.Leads;
using LeadFunctions.Telemetry;
using Polly.Timeout;

namespace LeadFunctions.Destinations.Http;

/// <summary>
/// A CRM reached over HTTPS: refuses unusable settings (the lead is poisoned with the reason), maps the lead, holds a slot
/// of the shared <see cref="DestinationThrottle"/> while <typeparamref name="TProtocol"/> sends it, and turns exceptions
/// into outcomes (docs/design.md, D8).
/// </summary>
public sealed class CrmDestination<TProtocol>(
    ICrmSettings settings, DestinationThrottle throttle, IHttpClientFactory httpClientFactory, TProtocol protocol) : ILeadDestination
    where TProtocol : ICrmProtocol
{
    /// <summary>How long a health probe waits for a request slot before it reports the destination busy instead.</summary>
    private static readonly TimeSpan ProbeSlotWait = TimeSpan.FromSeconds(5);

    private readonly string? _problem = settings.Problem;
    private readonly Mapping.FieldMapping? _mapping = settings.Mapping;
    private readonly CrmHttpOptions _options = settings.Options;

    public string Name { get; } = settings.Name;

    public async Task<DeliveryOutcome> DeliverAsync(LeadDelivery delivery, CancellationToken cancellationToken)
    {
        if (_problem is { } problem) return Cannot(null, "Configuration", $"{problem} Fix the settings, then replay the poison queue.");

        DeliveryOutcome? tokenFailure = null;
        try
        {
            var record = _mapping!.Map(delivery);
            using var slot = await throttle.EnterAsync(cancellationToken).ConfigureAwait(false);
            return await protocol.SendAsync(httpClientFactory.CreateClient(Name), delivery, record, cancellationToken).ConfigureAwait(false);
        }
        catch (DestinationThrottledException e)
        {
            // Told to back off for longer than a delivery may wait in process: come back through the queue.
            return e.NoSlot
                ? Retry(null, "NoSlot", $"{Name}: {e.Message}", e.Wait)
                : Retry(429, "Throttled", $"{Name} asked this app to wait {e.Wait:g} (rate limit); the request was not sent.", e.Wait);
        }
        catch (TimeoutRejectedException)
        {
            var after = protocol.AfterTimeout ?? $"If {Name} created the record meanwhile, the next attempt finds it.";
            return Retry(null, "Timeout", $"No answer within {_options.Timeout:g} per attempt ({_options.TotalTimeout:g} in all). {after}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Retry(null, "Timeout", $"The request was cancelled before {Name} answered.");
        }
        catch (HttpRequestException e)
        {
            return Retry(null, e.HttpRequestError.ToString(), $"{Name} is not reachable: {LogText.FirstLine((e.InnerException ?? e).Message)}");
        }
        catch (Exception e) when ((tokenFailure = protocol.TokenFailure(e)) is not null)
        {
            return tokenFailure;
        }
    }

    /// <summary>
    /// Healthy when the probe succeeds; degraded, without a probe, while the CRM has asked us to wait or every slot is busy:
    /// the probe takes a slot like any request, so it never puts this instance (or the fleet) over the CRM user's concurrency.
    /// </summary>
    public async Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (_problem is { } problem) return HealthCheckResult.Unhealthy(problem);
        if (throttle.Remaining is var wait && wait > TimeSpan.Zero)
        {
            return HealthCheckResult.Degraded($"{Name} asked this app to wait {wait:g} (rate limit); deliveries resume after that.");
        }

        using var probe = protocol.HealthProbe();
        if (probe is null) return HealthCheckResult.Healthy($"{Name}: settings usable; not probed (every request would post something).");

        IDisposable slot;
        using var slotWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        slotWait.CancelAfter(ProbeSlotWait);
        try
        {
            slot = await throttle.EnterAsync(slotWait.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DestinationThrottledException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Degraded($"{Name}: every request slot is busy delivering; no probe sent.");
        }

        using var held = slot;
        try
        {
            using var response = await httpClientFactory.CreateClient(Name).SendAsync(probe, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{Name} {probe.Method} {probe.RequestUri} answered {(int)response.StatusCode}.");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException
                                          or OperationCanceledException { CancellationToken.IsCancellationRequested: false }
                                      || protocol.TokenFailure(e) is not null)
        {
            return HealthCheckResult.Unhealthy($"{Name} not reachable: {e.GetType().Name}.");
        }
    }

    private DeliveryOutcome.RetryLater Retry(int? status, string? code, string message, TimeSpan? retryAfter = null) =>
        new(new DeliveryFailure(Name, status, code, message), retryAfter);

    private DeliveryOutcome.CannotDeliver Cannot(int? status, string? code, string message) => new(new DeliveryFailure(Name, status, code, message));
}
