using System.Net;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>
/// Sends the HTTP request to the worker's own ASP.NET Core endpoint (the "HttpUri"
/// capability), tagged with the invocation id, as the host's DefaultHttpProxyService does.
/// </summary>
internal sealed class WorkerHttpForwarder : IDisposable
{
    /// <summary>The header the worker's InvokeFunctionMiddleware reads to pair the request with the gRPC invocation.</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    // Same policy as the host's RetryProxyHandler: 10 tries, 50 ms doubling up to 250 ms.
    private const int MaxAttempts = 10;

    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    });

    public async Task<HttpResponseMessage> SendAsync(
        Uri workerHttpUri,
        HttpRequestMessage request,
        string invocationId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        string pathAndQuery = request.RequestUri.IsAbsoluteUri
            ? request.RequestUri.PathAndQuery
            : request.RequestUri.OriginalString;
        var target = new Uri(workerHttpUri, pathAndQuery);

        byte[]? body = request.Content is null
            ? null
            : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

        int delay = 50;
        for (int attempt = 1; ; attempt++)
        {
            using HttpRequestMessage forwarded = Copy(request, target, body, invocationId);
            try
            {
                HttpResponseMessage response = await _invoker.SendAsync(forwarded, cancellationToken).ConfigureAwait(false);
                await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
                return response;
            }
            catch (HttpRequestException) when (attempt < MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 250);
            }
        }
    }

    public void Dispose() => _invoker.Dispose();

    private static HttpRequestMessage Copy(HttpRequestMessage source, Uri target, byte[]? body, string invocationId)
    {
        var copy = new HttpRequestMessage(source.Method, target) { Version = HttpVersion.Version11 };
        foreach (KeyValuePair<string, IEnumerable<string>> header in source.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (KeyValuePair<string, IEnumerable<string>> header in source.Content!.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        // The host overrides any value the caller sent.
        copy.Headers.Remove(InvocationIdHeader);
        copy.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
        return copy;
    }
}
