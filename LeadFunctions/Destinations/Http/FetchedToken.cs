namespace LeadFunctions.Destinations.Http;

public sealed record FetchedToken(string Token, DateTimeOffset ExpiresOn, DateTimeOffset? RefreshOn = null);
