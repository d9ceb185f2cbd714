using LeadFunctions.Destinations;

namespace LeadFunctions.Hosting;

/// <summary>One probe shared by every caller: however many requests arrive, a CRM sees at most one probe per interval.</summary>
internal sealed class DestinationHealthCheck(LeadDestinations destinations, IOptions<HealthOptions> options, TimeProvider time)
    : IHealthCheck, IDisposable
{
    private readonly SemaphoreSlim _probing = new(1, 1);
    private (HealthCheckResult Result, DateTimeOffset At)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Fresh() is { } cached) return cached;
        await _probing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } probedMeanwhile) return probedMeanwhile;

            // Not the caller's cancellation: a caller that gives up must not leave the next ones without an answer.
            var result = await destinations.CheckHealthAsync(CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
            _last = (result, time.GetUtcNow());
            return result;
        }
        finally
        {
            _probing.Release();
        }
    }

    public void Dispose() => _probing.Dispose();

    private HealthCheckResult? Fresh() =>
        _last is { } last && time.GetUtcNow() - last.At < options.Value.ProbeInterval ? last.Result : null;
}
