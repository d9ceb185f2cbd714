using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LeadFunctions.Hosting;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Intake;

/// <summary>
/// ReceiveLead: what <c>POST /api/leads</c> does with a request that passed the key check (docs/design.md,
/// "Endpoint answers"). The ReceiveLead function and standalone mode's endpoint both call it.
/// </summary>
public sealed partial class LeadIntake(
    IOptions<IntakeOptions> options,
    LeadQueue queue,
    RecentLeads recent,
    LeadMetrics metrics,
    TimeProvider time,
    ILogger<LeadIntake> logger)
{
    /// <summary>The route below the host's route prefix (host.json <c>extensions.http.routePrefix</c>).</summary>
    public const string Route = "leads";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public async Task<Results<Accepted<LeadAccepted>, ProblemHttpResult>> ReceiveAsync(HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        metrics.Received();
        if (!LeadBody.IsJsonOrUnspecified(request) || LeadBody.DeclaredCharset(request) is not { } charset)
        {
            return Reject(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                "Post the lead as application/json, in UTF-8 (or UTF-16, UTF-32 or ISO-8859-1 with a charset that says so).", "content-type");
        }

        var body = await LeadBody.ReadAsync(request, options.Value.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        switch (body.Failure)
        {
            case BodyFailure.TooLarge:
                return Reject(StatusCodes.Status413PayloadTooLarge, "Lead too large", $"The body is larger than {options.Value.MaxBodyBytes} bytes.", "too-large");
            case BodyFailure.TooSlow:
                return Reject(StatusCodes.Status408RequestTimeout, "Body too slow", "The body did not arrive in time; send it again at once, whole.", "too-slow");
            case BodyFailure.Malformed:
                return Reject(StatusCodes.Status400BadRequest, "Malformed request", "The request body is not valid HTTP (e.g. broken chunked encoding).", "malformed");
            case BodyFailure.Aborted:
                return Reject(StatusCodes.Status400BadRequest, "Request aborted", "The client closed the connection before the body was read.", "aborted");
        }

        if (LeadBody.ToUtf8(body.Bytes!, charset) is not { } utf8) return Invalid([new LeadIssue("$", $"The body is not valid {charset} text.")]);
        if (utf8.Length == 0) return Invalid([new LeadIssue("$", "The body is empty.")]);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
        }
        catch (JsonException e)
        {
            return Invalid([new LeadIssue(e.Path ?? "$", $"Not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}")]);
        }

        using (document)
        {
            var read = LeadReader.Published.Read(document.RootElement);
            if (read is not { Lead: { } lead, LeadId: { } leadId }) return Invalid(read.Problems);

            Activity.Current?.SetTag("lead.id", leadId);
            try
            {
                using var enqueue = LeadTracing.StartEnqueue(queue.Name, leadId);
                var (traceParent, traceState) = LeadTracing.CurrentContext();
                var envelope = new LeadEnvelope
                {
                    LeadId = leadId, ReceivedAt = time.GetUtcNow(), Lead = document.RootElement, TraceParent = traceParent, TraceState = traceState,
                };
                await queue.SendAsync(envelope, null, cancellationToken).ConfigureAwait(false);
            }
            catch (LeadTooLargeException)
            {
                // Under the body limit but, as a queue message (base64, in its envelope), over storage's 64 KiB.
                return Reject(StatusCodes.Status413PayloadTooLarge, "Lead too large",
                    $"The lead is too large to be stored (a queue message holds at most {LeadQueue.MaxMessageBytes} bytes once encoded).", "too-large");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogNotStored(leadId, e.GetType().Name);
                metrics.Rejected("not-stored");
                request.HttpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Lead not stored",
                    detail: "The lead could not be stored; nothing was accepted. Send it again later.", type: ProblemType("not-stored"));
            }

            var duplicate = recent.Record(leadId);
            metrics.Accepted(lead, duplicate);
            LogAccepted(leadId, new(lead.OfferTitle), new(lead.ActionCode), new(lead.Customer.Country), lead.IsTestLead, duplicate);
            return TypedResults.Accepted((string?)null, new LeadAccepted(leadId, duplicate, read.Notes.Count > 0 ? read.Notes : null));
        }
    }

    /// <summary>The problem type URI of each kind of refusal, e.g. <c>urn:leadfunctions:problem:invalid-lead</c>.</summary>
    public static string ProblemType(string name) => $"urn:leadfunctions:problem:{name}";

    private ProblemHttpResult Invalid(IReadOnlyList<LeadIssue> problems)
    {
        metrics.Rejected("invalid");
        LogRejected(StatusCodes.Status400BadRequest, "invalid", LogText.Of(string.Join(", ", problems.Select(p => p.Path)), LogText.ReasonLength)!);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "Not a lead",
            detail: string.Join(" ", problems.Select(p => $"{p.Path}: {p.Message}")),
            type: ProblemType("invalid-lead"),
            extensions: new Dictionary<string, object?> { ["errors"] = problems.ToArray() }); // an array: its type is in HttpJsonContext
    }

    private ProblemHttpResult Reject(int status, string title, string detail, string reason)
    {
        metrics.Rejected(reason);
        LogRejected(status, reason, "$");
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, type: ProblemType(reason));
    }

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0];

    [LoggerMessage(Level = LogLevel.Information, Message = "Lead {LeadId} accepted (offer {OfferTitle}, action {ActionCode}, country {Country}, test lead {IsTestLead}, duplicate {Duplicate})")]
    private partial void LogAccepted(string leadId, LeadValue offerTitle, LeadValue actionCode, LeadValue country, bool isTestLead, bool duplicate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lead rejected with {Status} ({Reason}) at {Paths}")]
    private partial void LogRejected(int status, string reason, string paths);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lead {LeadId} could not be stored ({ErrorType}); answered 503")]
    private partial void LogNotStored(string leadId, string errorType);
}

/// <summary>The answer to an accepted lead: its stable id, whether this instance already had it, and what was coerced.</summary>
public sealed record LeadAccepted(
    string LeadId,
    bool Duplicate,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<LeadIssue>? Notes);
