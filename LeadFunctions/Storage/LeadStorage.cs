using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;

namespace LeadFunctions.Storage;

/// <summary>The one place that builds storage clients: the lead queue, its poison queue, and tables.</summary>
public sealed class LeadStorage
{
    public LeadStorage(IOptions<StorageOptions> storage, IOptions<QueueTriggerOptions> trigger)
    {
        var options = storage.Value;
        var queueOptions = new QueueClientOptions
        {
            MessageEncoding = string.Equals(trigger.Value.MessageEncoding, "none", StringComparison.OrdinalIgnoreCase)
                ? QueueMessageEncoding.None
                : QueueMessageEncoding.Base64,
        };
        MessageEncoding = queueOptions.MessageEncoding;
        ConfigureRetry(queueOptions.Retry);
        var asStoredOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        ConfigureRetry(asStoredOptions.Retry);
        var tableOptions = new TableClientOptions();
        ConfigureRetry(tableOptions.Retry);

        QueueServiceClient queues, queuesAsStored;
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            queues = new QueueServiceClient(options.ConnectionString, queueOptions);
            queuesAsStored = new QueueServiceClient(options.ConnectionString, asStoredOptions);
            Tables = new TableServiceClient(options.ConnectionString, tableOptions);
        }
        else
        {
            var credential = CreateCredential(options);
            var queueUri = ServiceUri(options.QueueServiceUri, options.AccountName, "queue");
            queues = new QueueServiceClient(queueUri, credential, queueOptions);
            queuesAsStored = new QueueServiceClient(queueUri, credential, asStoredOptions);
            Tables = new TableServiceClient(ServiceUri(options.TableServiceUri, options.AccountName, "table"), credential, tableOptions);
        }

        LeadQueue = queues.GetQueueClient(options.LeadQueueName);
        PoisonQueue = queues.GetQueueClient(options.PoisonQueueName);
        LeadQueueAsStored = queuesAsStored.GetQueueClient(options.LeadQueueName);
        PoisonQueueAsStored = queuesAsStored.GetQueueClient(options.PoisonQueueName);
    }

    public QueueClient LeadQueue { get; }

    public QueueClient PoisonQueue { get; }

    public QueueMessageEncoding MessageEncoding { get; }

    /// <summary>Messages as stored, not decoded: operators must see and move what another writer did not encode.</summary>
    public QueueClient LeadQueueAsStored { get; }

    /// <inheritdoc cref="LeadQueueAsStored"/>
    public QueueClient PoisonQueueAsStored { get; }

    public bool MessagesAreBase64 => MessageEncoding == QueueMessageEncoding.Base64;

    public TableServiceClient Tables { get; }

        // Intake answers Partner Center while it waits: fail within seconds (503) rather than hang on a dead account.
    private static void ConfigureRetry(RetryOptions retry)
    {
        retry.MaxRetries = 3;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(2);
        retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }

    private static TokenCredential CreateCredential(StorageOptions options) =>
        string.Equals(options.Credential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrEmpty(options.ClientId)
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(options.ClientId))
            : new DefaultAzureCredential(string.IsNullOrEmpty(options.ClientId)
                ? new DefaultAzureCredentialOptions() // AZURE_CLIENT_ID, if set, names the identity
                : new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ClientId });

    private static Uri ServiceUri(Uri? explicitUri, string? accountName, string service) =>
        explicitUri
        ?? (string.IsNullOrWhiteSpace(accountName)
            ? throw new OptionsValidationException(StorageOptions.Section, typeof(StorageOptions), [
                "Set AzureWebJobsStorage (a connection string, e.g. UseDevelopmentStorage=true) or AzureWebJobsStorage__accountName."])
            : new Uri($"https://{accountName}.{service}.core.windows.net"));
}
