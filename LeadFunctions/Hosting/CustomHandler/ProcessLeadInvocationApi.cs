using System.Text.Json;
using System.Text.Json.Serialization;
using LeadFunctions.Delivery;

namespace LeadFunctions.Hosting.CustomHandler;

/// <summary>
/// Functions mode: the host POSTs each queue message to <c>/ProcessLead</c>. The answer is always a JSON object
/// (an empty body would hang the invocation); 200 lets the host delete the message, 500 makes it retry and
/// eventually move the message to the poison queue.
/// </summary>
public static partial class ProcessLeadInvocationApi
{
    public const string Route = "/ProcessLead";

    public static IEndpointRouteBuilder MapProcessLeadInvocation(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, InvokeAsync).WithName("ProcessLead");
        return app;
    }

    public static async Task<IResult> InvokeAsync(HttpContext context, LeadProcessor processor, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(ProcessLeadInvocationApi));
        string invocationId = context.Request.Headers["X-Azure-Functions-InvocationId"].ToString();
        try
        {
            using var payload = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            var message = InvocationRequest.ReadQueueMessage(payload.RootElement);
            await processor.ProcessAsync(message, context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Json(InvocationResponse.Success(), HttpJsonContext.Default.InvocationResponse);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogInvocationFailed(logger, e, invocationId);
            return TypedResults.Json(InvocationResponse.Failure($"ProcessLead failed: {e.GetType().FullName}"), HttpJsonContext.Default.InvocationResponse, statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ProcessLead invocation {InvocationId} failed; the host will retry it")]
    private static partial void LogInvocationFailed(ILogger logger, Exception exception, string invocationId);
}

/// <summary>The custom-handler answer the Functions host expects.</summary>
public sealed record InvocationResponse(
    [property: JsonPropertyName("Outputs")] Dictionary<string, object?> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] object? ReturnValue)
{
    public static InvocationResponse Success() => new([], [], null);

    public static InvocationResponse Failure(string log) => new([], [log], null);
}
