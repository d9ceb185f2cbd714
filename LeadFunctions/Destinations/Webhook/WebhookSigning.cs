namespace LeadFunctions.Destinations.Webhook;

/// <summary>
/// Signs each attempt as the Standard Webhooks specification says, inside the shared pipeline's retries: a retry keeps
/// its <c>webhook-id</c> (the lead id) and gets a fresh <c>webhook-timestamp</c> and signature, so a receiver's
/// tolerance for old timestamps never refuses a late retry. One <c>v1,</c> signature per secret (rotation).
/// </summary>
public sealed class WebhookSigning(WebhookSettings settings, TimeProvider time) : DelegatingHandler
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.TryGetValues(IdHeader, out var ids) && ids.FirstOrDefault() is { } id && request.Content is { } content)
        {
            var payload = await content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var timestamp = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
            request.Headers.Remove(TimestampHeader);
            request.Headers.Remove(SignatureHeader);
            request.Headers.TryAddWithoutValidation(TimestampHeader, timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation(SignatureHeader, string.Join(' ', settings.Signers.Select(s => s.Sign(id, timestamp, payload))));
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
