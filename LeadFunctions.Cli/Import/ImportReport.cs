namespace LeadFunctions.Cli.Import;

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
