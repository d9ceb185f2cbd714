namespace LeadFunctions.Storage;

/// <summary>
/// The storage account, configured like the Functions host's <c>AzureWebJobsStorage</c>: a connection string, or
/// identity-based settings (<c>AzureWebJobsStorage__accountName</c> or <c>__queueServiceUri</c>/<c>__tableServiceUri</c>,
/// with <c>__credential=managedidentity</c> and <c>__clientId</c> for a user-assigned identity).
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "AzureWebJobsStorage";

    public string? ConnectionString { get; set; }

    public string? AccountName { get; set; }

    public Uri? QueueServiceUri { get; set; }

    public Uri? TableServiceUri { get; set; }

    public string? Credential { get; set; }

    public string? ClientId { get; set; }

    /// <summary>The queue the leads travel on; its poison queue is <c>&lt;name&gt;-poison</c>.</summary>
    public string LeadQueueName { get; set; } = "leads";

    public string PoisonQueueName => $"{LeadQueueName}-poison";
}
