using LeadFunctions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace LeadFunctions.Functions;

/// <summary>A timer runs on one instance at a time, so the gauges are recorded once however far the app scales out.</summary>
public sealed class RecordGauges(PipelineGauges gauges)
{
    /// <summary>NCRONTAB (with seconds): at second 0 of every minute.</summary>
    public const string Schedule = "0 * * * * *";

    [Function(nameof(RecordGauges))]
    public Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return gauges.RecordAsync(context.CancellationToken);
    }
}
