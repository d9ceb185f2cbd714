using System.CommandLine;

namespace LeadFunctions.Cli.Intake;

/// <summary><c>--url</c>: the lead endpoint, as registered in Partner Center, with its key or without (<see cref="EndpointKey"/>).</summary>
internal static class EndpointOption
{
    public static Option<Uri> Create() => new("--url")
    {
        Description = "The lead endpoint, as registered in Partner Center: https://<app>.azurewebsites.net/api/leads?code=<key> (locally http://127.0.0.1:7071/api/leads?code=local-dev-key). To keep the key off the command line, leave out code= and set LEADFUNCTIONS_KEY, or type the key when asked. The key is never printed.",
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
