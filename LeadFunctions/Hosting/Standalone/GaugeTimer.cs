using LeadFunctions.Telemetry;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Hosting.Standalone;

/// <summary>
/// Standalone mode's RecordGauges: records the pipeline gauges (<see cref="PipelineGauges"/>) when the process starts
/// and then every <see cref="StandaloneOptions.GaugeInterval"/>, as the timer function does once a minute.
/// </summary>
public sealed partial class GaugeTimer(PipelineGauges gauges, IOptions<StandaloneOptions> options, TimeProvider time, ILogger<GaugeTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.GaugeInterval;
        if (interval <= TimeSpan.Zero) return;

        using var timer = new PeriodicTimer(interval, time);
        do
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
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline gauges could not be recorded ({ErrorType}); trying again at the next interval")]
    private static partial void LogFailed(ILogger logger, string errorType);
}
