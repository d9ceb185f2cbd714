namespace LeadFunctions.Destinations.Http;

/// <summary>Renewed by one caller at a time; replaced when the CRM refused it, unless another request already did.</summary>
public sealed class TokenCache(TimeProvider time, TimeSpan margin) : IDisposable
{
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private volatile Cached? _cached;

    /// <summary>The cached token, or a new one from <paramref name="fetch"/>; with <paramref name="rejected"/>, never that one.</summary>
    public async ValueTask<string> GetAsync(Func<CancellationToken, Task<FetchedToken>> fetch, string? rejected, CancellationToken cancellationToken)
    {
        if (rejected is null && Fresh(_cached) is { } token) return token;

        await _renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var cached = Fresh(_cached);
            if (cached is not null && (rejected is null || cached != rejected)) return cached;

            var fresh = await fetch(cancellationToken).ConfigureAwait(false);
            _cached = new Cached(fresh.Token, fresh.ExpiresOn, fresh.RefreshOn);
            return fresh.Token;
        }
        finally
        {
            _renewing.Release();
        }
    }

    public void Dispose() => _renewing.Dispose();

    private string? Fresh(Cached? token)
    {
        if (token is null) return null;
        var now = time.GetUtcNow();
        return token.ExpiresOn - now > margin && (token.RefreshOn is not { } refreshOn || refreshOn > now) ? token.Token : null;
    }

    /// <summary>A token as one reference, so readers outside the lock never see half of an update.</summary>
    private sealed record Cached(string Token, DateTimeOffset ExpiresOn, DateTimeOffset? RefreshOn);
}
