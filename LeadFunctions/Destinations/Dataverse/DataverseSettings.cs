using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Dataverse;

public sealed class DataverseSettings : CrmSettings<DataverseOptions>
{
    public const string ApiPath = "api/data/v9.2/";

    public DataverseSettings(IOptions<DataverseOptions> options)
        : base(options, "Destinations__Dataverse__Credential is Default, ClientSecret or None; durations are like 00:02:00.")
    {
        if (Problem is not null) return;
        var environment = new Uri(new Uri(Options.Url!).GetLeftPart(UriPartial.Authority));
        Environment = environment;
        ApiRoot = new Uri(environment, ApiPath);
        Scope = environment.GetLeftPart(UriPartial.Authority) + "/.default";
    }

    public Uri Environment { get; } = new("https://unconfigured.invalid/");

    public string Scope { get; } = "https://unconfigured.invalid/.default";

    /// <summary>Dataverse's service protection counts per application user: the environment and the identity the token is for.</summary>
    public override string LimitOwner => $"{Environment.Authority}|{Options.Credential}|{Options.TenantId}|{Options.ClientId}";
}
