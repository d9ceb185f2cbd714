using Microsoft.AspNetCore.WebUtilities;

namespace LeadFunctions.Leads;

/// <summary>Found in a lead's <c>Description</c>, which is always kept as it came (docs/lead.md, "Campaigns").</summary>
public sealed partial record LeadCampaign(IReadOnlyList<string> Codes, IReadOnlyList<KeyValuePair<string, string>> Parameters)
{
    private static readonly string[] CodeParameters = ["mktcmpid", "utm_campaign"];

    public static LeadCampaign None { get; } = new([], []);

    public string? CodesText => Codes.Count == 0 ? null : string.Join(", ", Codes);

    /// <summary>A parameter's values (name matched case-insensitively), separated by ", "; null when absent.</summary>
    public string? Parameter(string name)
    {
        var values = Parameters.Where(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Select(p =>
            p.Value).Distinct(StringComparer.Ordinal).ToList();
        return values.Count == 0 ? null : string.Join(", ", values);
    }

    public static LeadCampaign Parse(string? description)
    {
        if (string.IsNullOrWhiteSpace(description)) return None;

        var codes = new List<string>();
        var parameters = new List<KeyValuePair<string, string>>();
        foreach (var line in description.Split('\n'))
        {
            if (CampaignsLine().Match(line) is { Success: true } campaigns)
            {
                foreach (var item in campaigns.Groups["list"].Value.Split([',', ';', '|'],
                    StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (NameValue().Match(item) is { Success: true } pair) Add(pair.Groups["name"].Value, pair.Groups["value"].Value.Trim());
                    else if (!Url().IsMatch(item)) AddCode(item);
                }
            }

            // A URL anywhere, also inside a Campaigns: line; a sentence's punctuation after it is not part of it.
            foreach (Match url in Url().Matches(line)) AddQuery(url.Value.TrimEnd(')', ']', '.', ',', ';', '!', '?'));
        }

        return codes.Count == 0 && parameters.Count == 0 ? None : new LeadCampaign(codes, parameters);

        void AddQuery(string url)
        {
            var query = url.IndexOf('?', StringComparison.Ordinal);
            if (query < 0) return;
            var end = url.IndexOf('#', query);
            foreach (var (name, values) in QueryHelpers.ParseQuery(end < 0 ? url[query..] : url[query..end]))
            {
                foreach (var value in values) Add(name, value?.Trim() ?? "");
            }
        }

        void Add(string name, string value)
        {
            if (name.Trim() is not { Length: > 0 } trimmed || value.Length == 0) return;
            parameters.Add(new(trimmed, value));
            if (CodeParameters.Contains(trimmed, StringComparer.OrdinalIgnoreCase)) AddCode(value);
        }

        void AddCode(string code)
        {
            if (!codes.Contains(code, StringComparer.Ordinal)) codes.Add(code);
        }
    }

    [GeneratedRegex(@"^\s*campaigns?\s*:(?<list>.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex CampaignsLine();

    [GeneratedRegex(@"https?://[^\s""'<>]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Url();

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9_.\-]+)[ \t]*=(?<value>.*)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex NameValue();
}
