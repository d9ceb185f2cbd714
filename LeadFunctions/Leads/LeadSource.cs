namespace LeadFunctions.Leads;

/// <summary>A bare source (<c>SPZA</c>) or the composite <c>Source-Action|Offer</c>; the raw string is kept.</summary>
public sealed partial record LeadSource(string? Raw, string? Source, string? Action, string? Offer)
{
    /// <summary>The publisher id when the offer part is <c>publisher.offer</c> (e.g. <c>contoso</c>); null for a display name.</summary>
    public string? PublisherId => OfferIdForm().Match(Offer ?? "") is { Success: true } id ? id.Groups["publisher"].Value : null;

    /// <summary>The offer id when the offer part is <c>publisher.offer</c> (e.g. <c>analytics</c>); null for a display name.</summary>
    public string? OfferId => OfferIdForm().Match(Offer ?? "") is { Success: true } id ? id.Groups["offer"].Value : null;

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

    /// <summary>Partner Center's ids: letters, digits, '-' and '_'; the publisher id, a dot, the offer id.</summary>
    [GeneratedRegex(@"^(?<publisher>[A-Za-z0-9][A-Za-z0-9_-]*)\.(?<offer>[A-Za-z0-9][A-Za-z0-9_.-]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex OfferIdForm();
}
