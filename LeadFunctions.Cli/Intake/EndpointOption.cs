using System.CommandLine;

namespace LeadFunctions.Cli.Intake;

/// <summary><c>--url</c>: the lead endpoint with its key, as registered in Partner Center.</summary>
internal static class EndpointOption
{
    public static Option<Uri> Create() => new("--url")
    {
        Description = "The lead endpoint with its key, as registered in Partner Center: https://<app>.azurewebsites.net/api/leads?code=<key> (locally http://127.0.0.1:7071/api/leads?code=local-dev-key). The key is never printed.",
        Required = true,
        HelpName = "endpoint",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)) return uri;
            result.AddError("--url must be an absolute http(s) URL, e.g. http://127.0.0.1:7071/api/leads?code=local-dev-key.");
            return null;
        },
    };
}
