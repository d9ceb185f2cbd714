namespace LeadFunctions.Cli.Route;

/// <summary>One lead of a <c>route</c> dry run: where it would go and why, or why it is not a lead. No personal data.</summary>
internal sealed record RoutedLead(
    long Line, string? LeadId, string? Offer, string? Action, string? Country, string? Route, IReadOnlyList<string>? Destinations, string? Problem);
