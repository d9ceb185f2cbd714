namespace LeadFunctions.Cli.Import;

/// <param name="Line">The line of the file where the lead starts (1 is a CSV's header).</param>
internal sealed record RowResult(long Line, RowOutcome Outcome, string? LeadId, int? Status, string? Reason);
