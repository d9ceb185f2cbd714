namespace LeadFunctions.Destinations.Dataverse;

/// <summary>How the app gets its Entra ID token for Dataverse.</summary>
public enum DataverseCredential
{
    /// <summary>DefaultAzureCredential: the function app's managed identity in Azure, a developer login locally.</summary>
    Default,

    /// <summary>An app registration's client id and secret (<c>TenantId</c>, <c>ClientId</c>, <c>ClientSecret</c>).</summary>
    ClientSecret,

    /// <summary>No token at all: only for local emulators and tests.</summary>
    None,
}
