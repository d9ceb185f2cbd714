using System.Diagnostics;
using System.Text.Json;
using LeadFunctions.Hosting;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Intake;

/// <summary>ReceiveLead: <c>POST /api/leads</c>, the endpoint Partner Center posts leads to (DESIGN 3.1).</summary>
public static partial class ReceiveLeadApi
{
    public const string Route = "/api/leads";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static IEndpointRouteBuilder MapReceiveLead(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, ReceiveAsync).WithName("ReceiveLead");
        return app;
    }

    public static async Task<Results<Accepted<LeadAccepted>, UnauthorizedHttpResult, ProblemHttpResult>> ReceiveAsync(
        HttpContext context,
        HostingMode mode,
        FunctionKeys keys,
        IOptions<IntakeOptions> options,
        LeadQueue queue,
        RecentLeads recent,
        LeadMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(ReceiveLeadApi));
        var request = context.Request;
        metrics.Received();
        if (mode.ChecksFunctionKeys && !keys.IsAuthorized(request))
        {
            metrics.Rejected("unauthorized");
            return TypedResults.Unauthorized();
        }

        if (!LeadBody.IsJsonOrUnspecified(request))
        {
            return Reject(logger, metrics, StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                "Post the lead as application/json.", "content-type");
        }

        var body = await LeadBody.ReadAsync(request, options.Value.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return Reject(logger, metrics, StatusCodes.Status413PayloadTooLarge, "Lead too large",
                $"The body is larger than {options.Value.MaxBodyBytes} bytes.", "too-large");
        }

        if (body.Length == 0) return Invalid(logger, metrics, [new LeadIssue("$", "The body is empty.")]);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            return Invalid(logger, metrics, [new LeadIssue(e.Path ?? "$", $"Not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}")]);
        }

        using (document)
        {
            var read = LeadReader.Published.Read(document.RootElement);
            if (read is not { Lead: { } lead, LeadId: { } leadId }) return Invalid(logger, metrics, read.Problems);

            Activity.Current?.SetTag("lead.id", leadId);
            try
            {
                using var enqueue = LeadTracing.StartEnqueue(queue.Name, leadId);
                var (traceParent, traceState) = LeadTracing.CurrentContext();
                var envelope = new LeadEnvelope
                {
                    LeadId = leadId, ReceivedAt = time.GetUtcNow(), Lead = document.RootElement, TraceParent = traceParent, TraceState = traceState,
                };
                await queue.SendAsync(envelope, null, context.RequestAborted).ConfigureAwait(false);
            }
            catch (LeadTooLargeException)
            {
                // Under the body limit but, as a queue message (base64, in its envelope), over storage's 64 KiB.
                return Reject(logger, metrics, StatusCodes.Status413PayloadTooLarge, "Lead too large",
                    $"The lead is too large to be stored (a queue message holds at most {LeadQueue.MaxMessageBytes} bytes once encoded).", "too-large");
            }
            catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
            {
                LogNotStored(logger, leadId, e.GetType().Name);
                metrics.Rejected("not-stored");
                context.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Lead not stored",
                    detail: "The lead could not be stored; nothing was accepted. Send it again later.", type: ProblemType("not-stored"));
            }

            var duplicate = recent.Record(leadId);
            metrics.Accepted(duplicate, lead.IsTestLead);
            LogAccepted(logger, leadId, lead.OfferTitle, lead.ActionCode, lead.Customer.Country, lead.IsTestLead, duplicate);
            return TypedResults.Accepted((string?)null, new LeadAccepted(leadId, duplicate, read.Notes.Count > 0 ? read.Notes : null));
        }
    }

    private static ProblemHttpResult Invalid(ILogger logger, LeadMetrics metrics, IReadOnlyList<LeadIssue> problems)
    {
        metrics.Rejected("invalid");
        LogRejected(logger, StatusCodes.Status400BadRequest, "invalid", string.Join(", ", problems.Select(p => p.Path)));
        return TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "Not a lead",
            detail: string.Join(" ", problems.Select(p => $"{p.Path}: {p.Message}")),
            type: ProblemType("invalid-lead"),
            extensions: new Dictionary<string, object?> { ["errors"] = problems.ToArray() }); // an array: its type is in HttpJsonContext
    }

    private static ProblemHttpResult Reject(ILogger logger, LeadMetrics metrics, int status, string title, string detail, string reason)
    {
        metrics.Rejected(reason);
        LogRejected(logger, status, reason, "$");
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, type: ProblemType(reason));
    }

    private static string ProblemType(string name) => $"urn:leadfunctions:problem:{name}";

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0];

    [LoggerMessage(Level = LogLevel.Information, Message = "Lead {LeadId} accepted (offer {OfferTitle}, action {ActionCode}, country {Country}, test lead {IsTestLead}, duplicate {Duplicate})")]
    private static partial void LogAccepted(ILogger logger, string leadId, string? offerTitle, string? actionCode, string? country, bool isTestLead, bool duplicate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lead rejected with {Status} ({Reason}) at {Paths}")]
    private static partial void LogRejected(ILogger logger, int status, string reason, string paths);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lead {LeadId} could not be stored ({ErrorType}); answered 503")]
    private static partial void LogNotStored(ILogger logger, string leadId, string errorType);
}

/// <summary>The answer to an accepted lead: its stable id, whether this instance already had it, and what was coerced.</summary>
public sealed record LeadAccepted(
    string LeadId,
    bool Duplicate,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<LeadIssue>? Notes);
