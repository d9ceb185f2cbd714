namespace LeadFunctions.Storage;

/// <summary>The storage account, configured like the Functions host's <c>AzureWebJobsStorage</c>.</summary>
public sealed class StorageOptions : IValidatableObject
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

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString) && string.IsNullOrWhiteSpace(AccountName) && QueueServiceUri is null)
        {
            yield return new("Set AzureWebJobsStorage (a connection string; UseDevelopmentStorage=true for Azurite) or " +
                "AzureWebJobsStorage__accountName.");
        }

        if (LeadQueueName.Length is < 3 or > 56) yield return new("LeadQueueName must be 3 to 56 characters, so that '<name>-poison' is a valid " +
            "queue name.");
    }
}
