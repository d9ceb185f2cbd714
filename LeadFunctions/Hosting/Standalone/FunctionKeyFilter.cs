namespace LeadFunctions.Hosting.Standalone;

/// <summary>Standalone mode's <c>AuthorizationLevel.Function</c>: 401 without a valid key, and nothing else happens.</summary>
internal sealed class FunctionKeyFilter(FunctionKeys keys, Telemetry.LeadMetrics metrics) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (keys.IsAuthorized(context.HttpContext.Request)) return await next(context).ConfigureAwait(false);
        metrics.Received();
        metrics.Refused("unauthorized");
        return TypedResults.Unauthorized();
    }
}
