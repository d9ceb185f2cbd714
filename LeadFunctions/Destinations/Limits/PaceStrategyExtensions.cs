using System.Diagnostics.CodeAnalysis;
using Polly;

namespace LeadFunctions.Destinations.Limits;

internal static class PaceStrategyExtensions
{
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Polly validates options by their data annotations; these have none.")]
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddPace(
        this ResiliencePipelineBuilder<HttpResponseMessage> pipeline, DestinationThrottle throttle) =>
        pipeline.AddStrategy(_ => new PaceStrategy(throttle), new PaceStrategy.Options());
}
