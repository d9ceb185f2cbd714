using LeadFunctions.Leads;

namespace LeadFunctions.Intake;

/// <summary>Why ReceiveLead refused a lead, as problem details and as a reason (docs/design.md, "Endpoint answers").</summary>
public sealed record IntakeRefusal(int Status, string Title, string Detail, string Reason, IReadOnlyList<LeadFinding>? Errors = null)
{
    public string ProblemType => $"urn:leadfunctions:problem:{(Reason == "invalid" ? "invalid-lead" : Reason)}";

    public static IntakeRefusal ContentType { get; } = new(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
        "Post the lead as application/json, in UTF-8 (or UTF-16, UTF-32 or ISO-8859-1 with a charset that says so).", "content-type");

    public static IntakeRefusal ContentEncoding { get; } = new(StatusCodes.Status415UnsupportedMediaType, "Unsupported content encoding",
        "Send the lead uncompressed: a body with a Content-Encoding other than identity is not accepted.", "content-encoding");

    public static IntakeRefusal TooSlow { get; } = new(StatusCodes.Status408RequestTimeout, "Body too slow",
        "The body did not arrive in time; send it again at once, whole.", "too-slow");

    public static IntakeRefusal Malformed { get; } = new(StatusCodes.Status400BadRequest, "Malformed request",
        "The request body is not valid HTTP (e.g. broken chunked encoding).", "malformed");

    public static IntakeRefusal Aborted { get; } = new(StatusCodes.Status400BadRequest, "Request aborted",
        "The client closed the connection before the body was read.", "aborted");

    public static IntakeRefusal NotStored { get; } = new(StatusCodes.Status503ServiceUnavailable, "Lead not stored",
        "The lead could not be stored; nothing was accepted. Send it again later.", "not-stored");

    public static IntakeRefusal TooLarge(int maxBodyBytes) => new(StatusCodes.Status413PayloadTooLarge, "Lead too large",
        $"The body is larger than {maxBodyBytes} bytes.", "too-large");

    public static IntakeRefusal TooLargeToStore(int maxMessageBytes) => new(StatusCodes.Status413PayloadTooLarge, "Lead too large",
        $"The lead is too large to be stored (a queue message holds at most {maxMessageBytes} bytes once encoded).", "too-large");

    /// <summary>Lists at most <see cref="AnswerBounds.MaxListed"/> problems; the detail says how many more there are.</summary>
    public static IntakeRefusal Invalid(IReadOnlyList<LeadFinding> problems)
    {
        var (listed, omitted) = AnswerBounds.Of(problems);
        var detail = string.Join(" ", listed.Select(p => $"{p.Path}: {p.Message}")) + (omitted > 0 ? $" ({omitted} more problems not listed.)" : "");
        return new(StatusCodes.Status400BadRequest, "Not a lead", detail, "invalid", listed);
    }

    public static IntakeRefusal Of(BodyFailure failure, int maxBodyBytes) => failure switch
    {
        BodyFailure.TooLarge => TooLarge(maxBodyBytes),
        BodyFailure.TooSlow => TooSlow,
        BodyFailure.Malformed => Malformed,
        _ => Aborted,
    };
}
