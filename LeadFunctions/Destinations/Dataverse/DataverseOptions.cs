namespace LeadFunctions.Destinations.Dataverse;

/// <summary>Settings of the Dataverse (Dynamics 365) destination (<c>Crm__Dataverse__…</c>); see docs/dataverse.md.</summary>
public sealed class DataverseOptions
{
    public const string Section = "Crm:Dataverse";

    /// <summary>The environment URL, e.g. <c>https://contoso.crm.dynamics.com</c>; the Web API is <c>{Url}/api/data/v9.2/</c>.</summary>
    public string? Url { get; set; }

    public DataverseCredential Credential { get; set; } = DataverseCredential.Default;

    /// <summary>The Entra tenant: required for <c>ClientSecret</c>; optional for <c>Default</c> (developer logins).</summary>
    public string? TenantId { get; set; }

    /// <summary>
    /// The app registration's client id for <c>ClientSecret</c>; for <c>Default</c>, the client id of a user-assigned
    /// managed identity (leave empty for the system-assigned one).
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret for <c>ClientSecret</c>; in Azure a Key Vault reference, never a value in the repo.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>At most this many requests in flight at once (Dataverse allows 52 per user); lowered to the server's <c>x-ms-dop-hint</c>.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>How long one HTTP attempt may take (Microsoft's samples use 2 minutes).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one delivery may take with all its in-process retries; then the lead is re-scheduled through the queue.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>In-process retries of a transient failure (timeouts, 408, 429, 5xx, network) before the lead is re-scheduled.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>The first in-process retry delay; it grows exponentially, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest a delivery waits in process when Dataverse says "retry after" (429); a longer wait re-schedules
    /// the lead through the queue instead of holding it.
    /// </summary>
    public TimeSpan MaxThrottleWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The <c>leadsourcecode</c> option value of the default mapping (8 = Web in a standard org).</summary>
    public int LeadSourceCode { get; set; } = 8;

    /// <summary>
    /// Column mapping overrides, <c>Crm__Dataverse__Mapping__&lt;column&gt;</c>: a lead field path
    /// (<c>UserDetails.Email</c>), a template (<c>{OfferTitle} ({ActionCode})</c>), a constant (<c>=8</c>, <c>=Web</c>),
    /// or empty to remove a default column. See <see cref="DataverseMapping"/>.
    /// </summary>
    public Dictionary<string, string?> Mapping { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Maximum lengths of text columns, <c>Crm__Dataverse__MaxLength__&lt;column&gt;</c>; standard lead columns are known.</summary>
    public Dictionary<string, int> MaxLength { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// True (default): Dataverse's duplicate-detection rules are not applied (the Web API default; no header is sent).
    /// False: sends <c>MSCRM.SuppressDuplicateDetection: false</c>, and a lead matching a rule goes to the poison queue.
    /// </summary>
    public bool SuppressDuplicateDetection { get; set; } = true;
}

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
