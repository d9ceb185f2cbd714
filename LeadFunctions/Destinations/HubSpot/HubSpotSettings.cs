using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Destinations.HubSpot;

/// <summary>
/// The HubSpot settings as read once at start (<see cref="CrmSettings{TOptions}"/>), with the API root.
/// </summary>
public sealed class HubSpotSettings : CrmSettings<HubSpotOptions>
{
    public HubSpotSettings(IOptions<HubSpotOptions> options)
        : base(HubSpotFailures.Destination, options, Validate, "Crm__HubSpot__OnExistingContact is Delivered or Update; durations are like 00:02:00.")
    {
        if (Problem is null) ApiRoot = new Uri(new Uri(Options.Url.Trim()).GetLeftPart(UriPartial.Authority) + "/");
    }

    public string LeadIdProperty => Options.LeadIdProperty.Trim().ToLowerInvariant();

    /// <summary>HubSpot counts requests per app and account: the private app's token (only a hash of it is stored).</summary>
    public override string LimitOwner => $"{ApiRoot.Authority}|{Options.AccessToken}";

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

        problems.AddRange(options.SharedProblems(HubSpotFailures.Destination, 10, "HubSpot counts requests per second per account"));
        mapping = HubSpotMapping.TryCreate(options, out var mappingProblems);
        problems.AddRange(mappingProblems);
        return problems;
    }
}
