namespace LeadFunctions.Destinations;

/// <summary>Which destinations receive the leads (<c>Destinations__Default</c>): one name, or several separated by <c>;</c> or <c>,</c>.</summary>
public sealed class DestinationOptions
{
    public const string Section = "Destinations";

    public string Default { get; set; } = "Table";

    /// <summary>The names in <paramref name="target"/>, trimmed, each once, in order; <c>Table</c> when there is none.</summary>
    public static IReadOnlyList<string> Parse(string? target)
    {
        var names = (target ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return names.Count > 0 ? names : [new DestinationOptions().Default];
    }
}
