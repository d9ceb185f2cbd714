using System.Diagnostics;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LeadFunctions.Intake;

/// <summary>What <c>POST /api/leads</c> does after the key check, in both modes (docs/design.md, "Endpoint answers").</summary>
public sealed partial class LeadIntake(
    IOptions<IntakeOptions> options,
    LeadQueue queue,
    RecentLeads recent,
    LeadMetrics metrics,
    TimeProvider time,
    ILogger<LeadIntake> logger)
{
    public const string Route = "leads";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>Reads, checks and stores one lead; <c>202</c> only once it is in the queue.</summary>
    public async Task<Results<Accepted<LeadAccepted>, ProblemHttpResult>> ReceiveAsync(HttpRequest request)
    {
        metrics.Received();
        var (document, refusal) = await ReadJsonAsync(request).ConfigureAwait(false);
        if (refusal is not null) return Refuse(request, refusal);

        using (document)
        {
            var read = LeadReader.Published.Read(document!.RootElement);
            if (read is not { Lead: { } lead, LeadId: { } leadId }) return Refuse(request, IntakeRefusal.Invalid(read.Errors));

            if (await StoreAsync(leadId, document.RootElement, request.HttpContext.RequestAborted).ConfigureAwait(false) is { } notStored)
            {
                return Refuse(request, notStored);
            }

            var duplicate = recent.Record(leadId);
            metrics.Accepted(lead, duplicate);
            LogAccepted(leadId, new(lead.OfferTitle), new(lead.ActionCode), new(lead.Customer.Country), lead.IsTestLead, duplicate);
            var (notes, omitted) = AnswerBounds.Of(read.Notes);
            return TypedResults.Accepted((string?)null, new LeadAccepted(leadId, duplicate, notes.Count > 0 ? notes : null,
                omitted > 0 ? omitted : null));
        }
    }

    private async Task<(JsonDocument? Document, IntakeRefusal? Refusal)> ReadJsonAsync(HttpRequest request)
    {
        if (!LeadBody.IsJsonOrUnspecified(request) || LeadBody.DeclaredCharset(request) is not { } charset) return (null, IntakeRefusal.ContentType);
        if (LeadBody.HasContentCoding(request)) return (null, IntakeRefusal.ContentEncoding);

        var body = await LeadBody.ReadAsync(request, options.Value.MaxBodyBytes, request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (body.Failure != BodyFailure.None) return (null, IntakeRefusal.Of(body.Failure, options.Value.MaxBodyBytes));
        if (LeadBody.ToUtf8(body.Bytes!, charset) is not { } utf8) return (null, IntakeRefusal.Invalid([new LeadFinding("$", "The body is not " +
            $"valid {charset} text.")]));
        if (utf8.Length == 0) return (null, IntakeRefusal.Invalid([new LeadFinding("$", "The body is empty.")]));

        try
        {
            return (JsonDocument.Parse(utf8, DocumentOptions), null);
        }
        catch (JsonException e)
        {
            return (null, IntakeRefusal.Invalid([new LeadFinding(e.Path ?? "$", $"Not valid JSON (line {e.LineNumber + 1}, byte " +
                $"{e.BytePositionInLine + 1}): {FirstSentence(e.Message)}")]));
        }
    }

    private async Task<IntakeRefusal?> StoreAsync(string leadId, JsonElement lead, CancellationToken cancellationToken)
    {
        Activity.Current?.SetTag("lead.id", leadId);
        try
        {
            using var enqueue = LeadTracing.StartEnqueue(queue.Name, leadId);
            var (traceParent, traceState) = LeadTracing.CurrentContext();
            var envelope = new LeadEnvelope { LeadId = leadId, ReceivedAt = time.GetUtcNow(), Lead = lead, TraceParent = traceParent,
                TraceState = traceState };
            await queue.SendAsync(envelope, null, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (LeadTooLargeException)
        {
            // Under the body limit but, as a queue message (base64, in its envelope), over storage's 64 KiB.
            return IntakeRefusal.TooLargeToStore(LeadQueue.MaxMessageBytes);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNotStored(leadId, e.GetType().Name);
            return IntakeRefusal.NotStored;
        }
    }

    private ProblemHttpResult Refuse(HttpRequest request, IntakeRefusal refusal)
    {
        metrics.Refused(refusal.Reason);
        var paths = refusal.Errors is { } errors ? string.Join(", ", errors.Select(p => p.Path)) : "$";
        LogRefused(refusal.Status, refusal.Reason, LogText.Of(paths, LogText.ReasonLength)!);
        if (refusal.Status == StatusCodes.Status503ServiceUnavailable)
        {
            request.HttpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail, type: refusal.ProblemType,
            extensions: refusal.Errors is { } issues ? new Dictionary<string,
                object?> { ["errors"] = issues.ToArray() } : null); // an array: its type is in HttpJsonContext
    }

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0];

    [LoggerMessage(Level = LogLevel.Information, Message = "Lead {LeadId} accepted (offer {OfferTitle}, action {ActionCode}, country {Country}, " +
        "test lead {IsTestLead}, duplicate {Duplicate})")]
    private partial void LogAccepted(string leadId, LoggedValue offerTitle, LoggedValue actionCode, LoggedValue country, bool isTestLead,
        bool duplicate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lead rejected with {Status} ({Reason}) at {Paths}")]
    private partial void LogRefused(int status, string reason, string paths);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lead {LeadId} could not be stored ({ErrorType}); answering 503")]
    private partial void LogNotStored(string leadId, string errorType);
}
