namespace LeadFunctions.Destinations.Http;

/// <summary>The bearer token a CRM wants on every request, and a way to renew it when the CRM refuses it.</summary>
public interface IBearerToken
{
    /// <summary>The token for the next request; null sends none.</summary>
    ValueTask<string?> GetAsync(CancellationToken cancellationToken);

    /// <summary>A fresh token after <paramref name="rejected"/> was refused (a <c>401</c>); null when there is nothing to renew.</summary>
    ValueTask<string?> RenewAsync(string? rejected, HttpResponseMessage refusal, CancellationToken cancellationToken);
}
