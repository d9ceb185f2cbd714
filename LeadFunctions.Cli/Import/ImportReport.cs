using System.Text.Json.Serialization;

namespace LeadFunctions.Cli.Import;

[JsonConverter(typeof(JsonStringEnumConverter<RowOutcome>))]
internal enum RowOutcome
{
    /// <summary>Accepted (2xx) and new to this import and, as far as it knows, to the endpoint.</summary>
    [JsonStringEnumMemberName("imported")]
    Imported,

    /// <summary>Accepted, with a lead id seen before: earlier in this file, or by the endpoint (<c>duplicate:
    /// true</c>). The destination still holds it once.</summary>
    [JsonStringEnumMemberName("duplicate")]
    Duplicate,

    /// <summary>Not a lead (400, 413, 415): sending it again will not help.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,

    /// <summary>Not accepted for another reason (still 503 after the last attempt, network, 5xx, wrong key): sending it again may.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Not sent: the import could not read the row for certain, or a value would run as a spreadsheet formula
    /// (the reason says which).</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,

    /// <summary>Not sent, or waiting to be sent again, when the import stopped (a wrong key or URL, or Ctrl+C), or
    /// because the file is in doubt.</summary>
    [JsonStringEnumMemberName("notSent")]
    NotSent,
}

/// <param name="Line">The line of the file where the lead starts (1 is a CSV's header).</param>
internal sealed record RowResult(long Line, RowOutcome Outcome, string? LeadId, int? Status, string? Reason);

/// <param name="FileInDoubt">Some row could not be told from its neighbours for certain, so no row of the file was sent.</param>
/// <param name="StoppedBecause">Why the import stopped before sending every lead: an answer every lead would get (401,
/// 404) or an endpoint that never answered.</param>
internal sealed record ImportReport(
    string File,
    string Format,
    int Leads,
    int Imported,
    int Duplicates,
    int Rejected,
    int Failed,
    int Refused,
    int NotSent,
    int Retries,
    bool FileInDoubt,
    string? StoppedBecause,
    bool EndpointUnreachable,
    bool Interrupted,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> IgnoredColumns,
    IReadOnlyList<RowResult> Results)
{
    public bool Complete => Rejected == 0 && Failed == 0 && Refused == 0 && NotSent == 0;

    /// <summary>The endpoint refused the key (401, 403) before any lead got through: a usage error (exit 2), as a missing key is.</summary>
    public bool KeyRefused => StoppedBecause is not null && Imported == 0 && Duplicates == 0 && Results.Any(r => r.Status is 401 or 403);
}
