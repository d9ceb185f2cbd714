namespace LeadFunctions.Leads;

/// <summary>
/// <c>LeadSource</c> as Partner Center sends it: a bare source (<c>AzureMarketplace</c>, <c>AppSource</c>, <c>SPZA</c>…)
/// or the composite <c>Source-Action|Offer</c> (e.g. <c>SPZA-PLT|contoso.analytics</c>). The raw string is kept.
/// </summary>
public sealed record LeadSource(string? Raw, string? Source, string? Action, string? Offer)
{
    public static LeadSource None { get; } = new(null, null, null, null);

    /// <summary>The marketplace in words: <c>SPZA</c> is AppSource's internal name.</summary>
    public string? Marketplace => Source?.ToUpperInvariant() switch
    {
        null or "" => null,
        "SPZA" or "APPSOURCE" => "AppSource",
        "AZUREMARKETPLACE" or "AMP" => "Azure Marketplace",
        "AZUREPORTAL" => "Azure portal",
        "TESTDRIVE" => "Test Drive",
        _ => Source,
    };

    public static LeadSource Parse(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return raw is null ? None : new LeadSource(raw, null, null, null);

        var text = raw.Trim();
        string? offer = null;
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        if (bar >= 0)
        {
            offer = NullIfEmpty(text[(bar + 1)..]);
            text = text[..bar];
        }

        string? action = null;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            action = NullIfEmpty(text[(dash + 1)..]);
            text = text[..dash];
        }

        return new LeadSource(raw, NullIfEmpty(text), action, offer);
    }

    private static string? NullIfEmpty(string text) => text.Trim() is { Length: > 0 } trimmed ? trimmed : null;
}
