using System.Text.Json.Nodes;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Leads;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly.Timeout;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Http;

/// <summary>
/// What every CRM destination reached over HTTPS does around its own requests: refuses to send with unusable
/// settings (each lead goes to the poison queue with the reason, ready for a replay), takes a slot of the shared
/// <see cref="DestinationThrottle"/> (whose gate and pace each request then waits for), and turns a wait longer than
/// <c>MaxThrottleWait</c>, timeouts and network failures into <see cref="DeliveryOutcome.RetryLater"/>. A destination supplies its requests (<see cref="SendAsync"/>), its
/// health probe and the token failures it knows.
/// </summary>
public abstract class CrmDestination(ICrmSettings settings, DestinationThrottle throttle, IHttpClientFactory httpClientFactory) : ILeadDestination
{
    public string Name => settings.Destination;

    private string? Problem => settings.Problem;

    private CrmHttpOptions Options => settings.Options;

    /// <summary>What a retry after a lost answer will find, for the timeout reason (e.g. "(412)").</summary>
    protected virtual string AfterTimeout => $"If {Name} created the record meanwhile, the next attempt finds it.";

    protected DestinationThrottle Throttle => throttle;

    /// <summary>The lead's record as the settings map it.</summary>
    protected JsonObject Map(LeadDelivery delivery) => settings.Mapping!.Map(delivery);

    /// <summary>The destination's HTTP client (named after it), with its retries, timeouts, token and throttle.</summary>
    protected HttpClient Http => httpClientFactory.CreateClient(Name);

    public async Task<DeliveryOutcome> DeliverAsync(LeadDelivery delivery, CancellationToken cancellationToken)
    {
        if (Problem is { } problem) return Cannot(null, "Configuration", $"{problem} Fix the settings, then replay the poison queue.");

        DeliveryOutcome? tokenFailure = null;
        try
        {
            using var slot = await throttle.EnterAsync(cancellationToken).ConfigureAwait(false);
            return await SendAsync(delivery, cancellationToken).ConfigureAwait(false);
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
            return Retry(null, "Timeout", $"No answer within {Options.Timeout:g} per attempt ({Options.TotalTimeout:g} in all). {AfterTimeout}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Retry(null, "Timeout", $"The request was cancelled before {Name} answered.");
        }
        catch (HttpRequestException e)
        {
            return Retry(null, e.HttpRequestError.ToString(), $"{Name} is not reachable: {LogText.FirstLine((e.InnerException ?? e).Message)}");
        }
        catch (Exception e) when ((tokenFailure = TokenFailure(e)) is not null)
        {
            return tokenFailure;
        }
    }

    /// <summary>
    /// Healthy when the probe answers with success: the URL is right, a token is granted and the app may read.
    /// Degraded, without a probe, while the CRM has asked this app to wait (another request now would only prolong that).
    /// </summary>
    public async Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (Problem is { } problem) return HealthCheckResult.Unhealthy(problem);
        if (throttle.Remaining is var wait && wait > TimeSpan.Zero)
        {
            return HealthCheckResult.Degraded($"{Name} asked this app to wait {wait:g} (rate limit); deliveries resume after that.");
        }

        // The probe is a request like any other: it takes a slot, so that it never puts this instance (or the fleet)
        // over the CRM user's concurrency. When every slot stays busy delivering, no probe is sent.
        IDisposable slot;
        using var slotWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        slotWait.CancelAfter(ProbeSlotWait);
        try
        {
            slot = await throttle.EnterAsync(slotWait.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DestinationThrottledException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HealthCheckResult.Degraded($"{Name}: every request slot is busy delivering; no probe sent.");
        }

        using var held = slot;
        try
        {
            using var request = HealthProbe();
            using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{Name} {request.Method} {request.RequestUri} answered {(int)response.StatusCode}.");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or OperationCanceledException { CancellationToken.IsCancellationRequested: false }
                                      || TokenFailure(e) is not null)
        {
            return HealthCheckResult.Unhealthy($"{Name} not reachable: {e.GetType().Name}.");
        }
    }

    /// <summary>How long a health probe waits for a request slot before it reports the destination busy instead.</summary>
    private static readonly TimeSpan ProbeSlotWait = TimeSpan.FromSeconds(5);

    /// <summary>Sends the lead (within a slot, the gate open) and classifies the answer.</summary>
    protected abstract Task<DeliveryOutcome> SendAsync(LeadDelivery delivery, CancellationToken cancellationToken);

    /// <summary>A cheap request that needs the same access as a delivery, for the health endpoint.</summary>
    protected abstract HttpRequestMessage HealthProbe();

    /// <summary>The outcome of an exception getting a token, or null when <paramref name="exception"/> is not one.</summary>
    protected virtual DeliveryOutcome? TokenFailure(Exception exception) => null;

    protected DeliveryOutcome.RetryLater Retry(int? status, string? code, string message, TimeSpan? retryAfter = null) =>
        new(new DeliveryFailure(Name, status, code, message), retryAfter);

    protected DeliveryOutcome.CannotDeliver Cannot(int? status, string? code, string message) =>
        new(new DeliveryFailure(Name, status, code, message));
}
