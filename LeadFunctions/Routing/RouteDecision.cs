namespace LeadFunctions.Routing;

/// <summary>Where one lead goes: the rule that matched (or <see cref="Default"/>) and its destinations, in order.</summary>
public sealed record RouteDecision(string Route, IReadOnlyList<string> Destinations)
{
    /// <summary>The route of a lead no rule matched: <c>Destinations__Default</c>.</summary>
    public const string Default = "default";
}
