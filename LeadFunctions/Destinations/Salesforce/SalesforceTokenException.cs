namespace LeadFunctions.Destinations.Salesforce;

/// <summary>The token endpoint refused the app (<c>invalid_client</c>, <c>invalid_grant</c> …): retrying cannot help.</summary>
public sealed class SalesforceTokenException(int status, string? error, string? description)
    : Exception($"The Salesforce token endpoint answered {status} {error}: {description}")
{
    public int Status { get; } = status;

    public string? Error { get; } = error;

    public string? Description { get; } = description;
}
