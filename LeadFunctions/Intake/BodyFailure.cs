namespace LeadFunctions.Intake;

public enum BodyFailure
{
    None,

    /// <summary>Over the limit (413); the rest is not read.</summary>
    TooLarge,

    /// <summary>Slower than Kestrel's minimum data rate, e.g. a Content-Length that is never met (408).</summary>
    TooSlow,

    /// <summary>Not a valid HTTP body, e.g. broken chunked framing (400).</summary>
    Malformed,

    /// <summary>The client went away; there is nobody to answer.</summary>
    Aborted,
}
