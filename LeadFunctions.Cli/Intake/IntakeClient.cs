using System.Net.Http.Headers;
using System.Text;

namespace LeadFunctions.Cli.Intake;

/// <summary>
/// Posts leads to ReceiveLead (<c>POST /api/leads?code=…</c>) exactly as Partner Center does, so they meet the same
/// validation and get the same lead ids. The key is in the URL's <c>code=</c> or, when it came from elsewhere
/// (<see cref="EndpointKey"/>), in the <c>x-functions-key</c> header; it is never printed (see <see cref="Redact"/>).
/// </summary>
internal sealed class IntakeClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public IntakeClient(Uri endpoint, string? key, TimeSpan timeout, TimeProvider time)
    {
        Endpoint = endpoint;
        _time = time;
        _http = new HttpClient { Timeout = timeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("leadfunctions-cli", "1.0"));
        if (key is not null) _http.DefaultRequestHeaders.Add("x-functions-key", key);
    }

    public Uri Endpoint { get; }

    /// <summary>The endpoint without its query string (which holds the key), for output.</summary>
    public string RedactedEndpoint => Redact(Endpoint);

    public static string Redact(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Path);

    public async Task<IntakeAnswer> PostAsync(string leadJson, CancellationToken cancellationToken)
    {
        using var content = new StringContent(leadJson, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(Endpoint, content, cancellationToken);
        return await IntakeAnswer.ReadAsync(response, _time, cancellationToken);
    }

    public void Dispose() => _http.Dispose();
}
