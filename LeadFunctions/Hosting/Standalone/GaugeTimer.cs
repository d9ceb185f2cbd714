namespace LeadFunctions.Hosting.Standalone;

/// <summary>Standalone mode's RecordGauges; first one interval after start, so a destination probe never slows start-up.</summary>
public sealed partial class GaugeTimer(PipelineGauges gauges, IOptions<StandaloneOptions> options, TimeProvider time,
    ILogger<GaugeTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.GaugeInterval;
        if (interval <= TimeSpan.Zero) return;

        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await gauges.RecordAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline gauges could not be recorded ({ErrorType}); trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, string errorType);
}
