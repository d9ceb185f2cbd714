using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.HubSpot;

public sealed class HubSpotSettings : CrmSettings<HubSpotOptions>
{
    public HubSpotSettings(IOptions<HubSpotOptions> options)
        : base(options, "Destinations__HubSpot__OnExistingContact is Delivered or Update; durations are like 00:02:00.")
    {
        if (Problem is null) ApiRoot = new Uri(new Uri(Options.Url.Trim()).GetLeftPart(UriPartial.Authority) + "/");
    }

    public string LeadIdProperty => Options.LeadIdProperty.Trim().ToLowerInvariant();

    /// <summary>HubSpot counts requests per app and account: the private app's token (only a hash of it is stored).</summary>
    public override string LimitOwner => $"{ApiRoot.Authority}|{Options.AccessToken}";
}
