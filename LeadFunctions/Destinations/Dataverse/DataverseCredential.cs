namespace LeadFunctions.Destinations.Dataverse;

public enum DataverseCredential
{
    /// <summary>DefaultAzureCredential: the function app's managed identity in Azure, a developer login locally.</summary>
    Default,

    /// <summary>An app registration's client id and secret (<c>TenantId</c>, <c>ClientId</c>, <c>ClientSecret</c>).</summary>
    ClientSecret,

    /// <summary>No token at all: only for local emulators and tests.</summary>
    None,
}
