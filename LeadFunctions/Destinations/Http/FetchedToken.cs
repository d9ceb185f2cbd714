namespace LeadFunctions.Destinations.Http;

/// <summary>A token as the issuer handed it out.</summary>
public sealed record FetchedToken(string Token, DateTimeOffset ExpiresOn, DateTimeOffset? RefreshOn = null);
