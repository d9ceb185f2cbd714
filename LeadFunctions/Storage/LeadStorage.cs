using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

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
        var tableOptions = new TableClientOptions();
        ConfigureRetry(tableOptions.Retry);

        QueueServiceClient queues;
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            queues = new QueueServiceClient(options.ConnectionString, queueOptions);
            Tables = new TableServiceClient(options.ConnectionString, tableOptions);
        }
        else
        {
            var credential = CreateCredential(options);
            queues = new QueueServiceClient(ServiceUri(options.QueueServiceUri, options.AccountName, "queue"), credential, queueOptions);
            Tables = new TableServiceClient(ServiceUri(options.TableServiceUri, options.AccountName, "table"), credential, tableOptions);
        }

        LeadQueue = queues.GetQueueClient(options.LeadQueueName);
        PoisonQueue = queues.GetQueueClient(options.PoisonQueueName);
    }

    public QueueClient LeadQueue { get; }

    public QueueClient PoisonQueue { get; }

    /// <summary>How queue messages are encoded (host.json <c>messageEncoding</c>): it decides how much text fits in one.</summary>
    public QueueMessageEncoding MessageEncoding { get; }

    public TableServiceClient Tables { get; }

    // Intake answers Partner Center while it waits: fail within seconds (and answer 503) rather than hang on a dead account.
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
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ClientId });

    private static Uri ServiceUri(Uri? explicitUri, string? accountName, string service) =>
        explicitUri
        ?? (string.IsNullOrWhiteSpace(accountName)
            ? throw new OptionsValidationException(StorageOptions.Section, typeof(StorageOptions), [
                "Set AzureWebJobsStorage (a connection string, e.g. UseDevelopmentStorage=true) or AzureWebJobsStorage__accountName."])
            : new Uri($"https://{accountName}.{service}.core.windows.net"));
}
