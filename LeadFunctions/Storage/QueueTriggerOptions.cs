namespace LeadFunctions.Storage;

/// <summary>The queue trigger's settings from host.json <c>extensions.queues</c>; the standalone listener obeys them too.</summary>
public sealed class QueueTriggerOptions
{
    public const string Section = "AzureFunctionsJobHost:extensions:queues";

    [Range(1, 32, ErrorMessage = "host.json extensions.queues.batchSize must be 1 to 32.")]
    public int BatchSize { get; set; } = 16;

    /// <summary>Fetch the next batch when this few messages are still in progress; the host's default is half the batch.</summary>
    public int? NewBatchThreshold { get; set; }

    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    [Range(1, int.MaxValue, ErrorMessage = "host.json extensions.queues.maxDequeueCount must be at least 1.")]
    public int MaxDequeueCount { get; set; } = 5;

    [RegularExpression("(?i)^(base64|none)$", ErrorMessage = "host.json extensions.queues.messageEncoding must be base64 or none.")]
    public string MessageEncoding { get; set; } = "base64";

    public int EffectiveNewBatchThreshold => NewBatchThreshold ?? BatchSize / 2;
}
