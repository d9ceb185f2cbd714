using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Destinations.HubSpot;

/// <summary>
/// The HubSpot settings as read once at start: the options, the mapping and the API root, or — when they are unusable
/// — the <see cref="Problem"/>, with which each lead goes to the poison queue until the settings are fixed.
/// </summary>
public sealed class HubSpotSettings
{
    public HubSpotSettings(IOptions<HubSpotOptions> options)
    {
        HubSpotOptions value;
        try
        {
            value = options.Value;
        }
        catch (InvalidOperationException e)
        {
            Options = new HubSpotOptions();
            Problem = $"The HubSpot settings cannot be read: {e.Message} {e.InnerException?.Message} (Crm__HubSpot__OnExistingContact is Delivered or Update.)";
            return;
        }

        Options = value;
        var problems = Validate(value, out var mapping).ToList();
        Mapping = mapping;
        if (problems.Count > 0) Problem = string.Join(" ", problems);
        else ApiRoot = new Uri(new Uri(value.Url.Trim()).GetLeftPart(UriPartial.Authority) + "/");
    }

    public HubSpotOptions Options { get; }

    public string? Problem { get; }

    public FieldMapping? Mapping { get; }

    public Uri ApiRoot { get; } = new("https://unconfigured.invalid/");

    public string LeadIdProperty => Options.LeadIdProperty.Trim().ToLowerInvariant();

    public static IEnumerable<string> Validate(HubSpotOptions options, out FieldMapping? mapping)
    {
        var problems = new List<string>();
        if (CrmHttpOptions.UrlProblem("Crm__HubSpot__Url", options.Url, "HubSpot's API root", "https://api.hubapi.com") is { } url) problems.Add(url);
        if (string.IsNullOrWhiteSpace(options.AccessToken))
        {
            problems.Add("Crm__HubSpot__AccessToken is missing: the access token of a private app with the scopes crm.objects.contacts.read and crm.objects.contacts.write.");
        }

        if (!HubSpotMapping.PropertyName().IsMatch(options.LeadIdProperty.Trim().ToLowerInvariant()))
        {
            problems.Add($"Crm__HubSpot__LeadIdProperty '{options.LeadIdProperty}' is not a property internal name such as marketplace_lead_id.");
        }

        if (options.MaxConcurrency is < 1 or > 10)
        {
            problems.Add($"Crm__HubSpot__MaxConcurrency must be between 1 and 10 (HubSpot counts requests per second per account); it is {options.MaxConcurrency}.");
        }

        problems.AddRange(options.TimingProblems(HubSpotFailures.Destination));
        mapping = HubSpotMapping.TryCreate(options, out var mappingProblems);
        problems.AddRange(mappingProblems);
        return problems;
    }
}
