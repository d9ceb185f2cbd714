using Polly;

namespace LeadFunctions.Destinations.Limits;

/// <summary>Inside the attempt timeout, so that a request waiting for its turn is not taken for a silent server.</summary>
internal sealed class PaceStrategy(DestinationThrottle throttle) : ResilienceStrategy<HttpResponseMessage>
{
    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        try
        {
            await throttle.PaceAsync(context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e) when (e is DestinationThrottledException or OperationCanceledException)
        {
            return Outcome.FromException<HttpResponseMessage>(e);
        }

        return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    internal sealed class Options : ResilienceStrategyOptions
    {
        public Options() => Name = "Pace";
    }
}
