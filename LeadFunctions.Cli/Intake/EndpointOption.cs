using System.CommandLine;
using System.CommandLine.Parsing;

namespace LeadFunctions.Cli.Intake;

/// <summary>
/// The app's URLs: <c>--url</c> (the lead endpoint, as registered in Partner Center, with its key or without:
/// <see cref="EndpointKey"/>) and <c>--health</c> (the health details, with a key).
/// </summary>
internal static class EndpointOption
{
    public static Option<Uri> Create() => new("--url")
    {
        Description = "The lead endpoint, as registered in Partner Center: https://<app>.azurewebsites.net/api/leads?code=<key> (locally " +
            "http://127.0.0.1:7071/api/leads?code=local-dev-key). To keep the key off the command line, leave out code= and set LEADFUNCTIONS_KEY, " +
                "or type the key when asked. The key is never printed.",
        Required = true,
        HelpName = "endpoint",
        CustomParser = result => Parse(result, "--url", "http://127.0.0.1:7071/api/leads?code=local-dev-key"),
    };

    public static Option<Uri?> Health() => new("--health")
    {
        Description = "The app's health details URL with a key, https://<app>.azurewebsites.net/api/health/details?code=<key> (locally " +
            "http://127.0.0.1:7071/api/health/details?code=local-dev-key): adds each destination's health as the app last probed it. The key is " +
                "never printed.",
        HelpName = "url",
        CustomParser = result => Parse(result, "--health", "http://127.0.0.1:7071/api/health/details?code=local-dev-key"),
    };

    private static Uri? Parse(ArgumentResult result, string option, string example)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)) return uri;
        result.AddError($"{option} must be an absolute http(s) URL, e.g. {example}.");
        return null;
    }
}
