using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>
/// The Dataverse settings as read once at start: the options, the mapping built from them, the Web API root and
/// token scope, or — when the settings are unusable — the <see cref="Problem"/>. Bad settings never stop the app
/// (intake keeps accepting leads); the connection check logs the problem and each lead goes to the poison queue
/// with it, ready to be replayed once the settings are fixed.
/// </summary>
public sealed class DataverseSettings
{
    public const string ApiPath = "api/data/v9.2/";

    public DataverseSettings(IOptions<DataverseOptions> options)
    {
        DataverseOptions value;
        try
        {
            value = options.Value;
        }
        catch (InvalidOperationException e)
        {
            // A value the binder cannot convert (e.g. Credential=Secret, MaxConcurrency=many).
            Options = new DataverseOptions();
            Problem = $"The Dataverse settings cannot be read: {e.Message} {e.InnerException?.Message} (Crm__Dataverse__Credential is Default, ClientSecret or None; durations are like 00:02:00.)";
            return;
        }

        Options = value;
        var problems = Validate(value, out var mapping).ToList();
        Mapping = mapping;
        if (problems.Count > 0)
        {
            Problem = string.Join(" ", problems);
            return;
        }

        var environment = new Uri(new Uri(value.Url!).GetLeftPart(UriPartial.Authority));
        Environment = environment;
        ApiRoot = new Uri(environment, ApiPath);
        Scope = environment.GetLeftPart(UriPartial.Authority) + "/.default";
    }

    public DataverseOptions Options { get; }

    /// <summary>Why the settings cannot be used, in sentences naming each setting; null when they are fine.</summary>
    public string? Problem { get; }

    public FieldMapping? Mapping { get; }

    /// <summary>The environment URL, e.g. <c>https://contoso.crm.dynamics.com/</c>.</summary>
    public Uri Environment { get; } = new("https://unconfigured.invalid/");

    /// <summary>The Web API root, <c>{Environment}api/data/v9.2/</c>.</summary>
    public Uri ApiRoot { get; } = new("https://unconfigured.invalid/" + ApiPath);

    /// <summary>The token scope, <c>{Environment}/.default</c>.</summary>
    public string Scope { get; } = "https://unconfigured.invalid/.default";

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

        if (options.MaxConcurrency is < 1 or > 52)
        {
            problems.Add($"Crm__Dataverse__MaxConcurrency must be between 1 and 52 (Dataverse's concurrent-request limit per user); it is {options.MaxConcurrency}.");
        }

        problems.AddRange(options.TimingProblems(DataverseFailures.Destination));

        mapping = DataverseMapping.TryCreate(options, out var mappingProblems);
        problems.AddRange(mappingProblems);
        return problems;
    }
}
