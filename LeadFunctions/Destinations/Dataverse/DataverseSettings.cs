using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>
/// The Dataverse settings as read once at start (<see cref="CrmSettings{TOptions}"/>), with the Web API root
/// (<c>{Environment}api/data/v9.2/</c>) and the token scope; the connection check logs any problem.
/// </summary>
public sealed class DataverseSettings : CrmSettings<DataverseOptions>
{
    public const string ApiPath = "api/data/v9.2/";

    public DataverseSettings(IOptions<DataverseOptions> options)
        : base(DataverseFailures.Destination, options, Validate,
            "Crm__Dataverse__Credential is Default, ClientSecret or None; durations are like 00:02:00.")
    {
        if (Problem is not null) return;
        var environment = new Uri(new Uri(Options.Url!).GetLeftPart(UriPartial.Authority));
        Environment = environment;
        ApiRoot = new Uri(environment, ApiPath);
        Scope = environment.GetLeftPart(UriPartial.Authority) + "/.default";
    }

    /// <summary>The environment URL, e.g. <c>https://contoso.crm.dynamics.com/</c>.</summary>
    public Uri Environment { get; } = new("https://unconfigured.invalid/");

    /// <summary>The token scope, <c>{Environment}/.default</c>.</summary>
    public string Scope { get; } = "https://unconfigured.invalid/.default";

    /// <summary>Dataverse's service protection counts per application user: the environment and the identity the token is for.</summary>
    public override string LimitOwner => $"{Environment.Authority}|{Options.Credential}|{Options.TenantId}|{Options.ClientId}";

    /// <summary>Every problem with <paramref name="options"/>, one sentence each naming the setting.</summary>
    public static IEnumerable<string> Validate(DataverseOptions options, out FieldMapping? mapping)
    {
        var problems = new List<string>();
        if (CrmHttpOptions.UrlProblem("Crm__Dataverse__Url", options.Url, "the environment URL", "https://contoso.crm.dynamics.com", "/" + ApiPath) is { } url)
        {
            problems.Add(url);
        }

        if (options.Credential == DataverseCredential.ClientSecret)
        {
            foreach (var (name, value) in new[] { ("TenantId", options.TenantId), ("ClientId", options.ClientId), ("ClientSecret", options.ClientSecret) })
            {
                if (string.IsNullOrWhiteSpace(value)) problems.Add($"Crm__Dataverse__{name} is required with Crm__Dataverse__Credential=ClientSecret.");
            }
        }

        problems.AddRange(options.SharedProblems(DataverseFailures.Destination, 52, "Dataverse's concurrent-request limit per user"));

        mapping = DataverseMapping.TryCreate(options, out var mappingProblems);
        problems.AddRange(mappingProblems);
        return problems;
    }
}
