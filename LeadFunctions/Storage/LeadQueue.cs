using Azure.Storage.Queues;
using LeadFunctions.Leads;

namespace LeadFunctions.Storage;

/// <summary>Writes to the lead queue and its poison queue. Messages never expire (docs/design.md, "The queue message").</summary>
public sealed class LeadQueue(LeadStorage storage, LeadQueueSignal signal)
{
    /// <summary>-1 second: never expires (the SDK's default would delete it after 7 days).</summary>
    public static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    /// <summary>Azure Storage's limit for one message, after encoding (base64 makes text a third larger).</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>Room a new lead leaves for the failure reason a retry adds.</summary>
    public const int RetryHeadroomBytes = 4 * 1024;

    public string Name => storage.LeadQueue.Name;

    public string PoisonName => storage.PoisonQueue.Name;

    /// <summary>Returns only once the storage service has it. <paramref name="delay"/> hides it until then.</summary>
    public async Task SendAsync(LeadEnvelope envelope, TimeSpan? delay, CancellationToken cancellationToken)
    {
        // A new lead must still fit once a retry adds its failure reason, or it could never be re-scheduled.
        var limit = envelope.LastError is null ? MaxMessageBytes - RetryHeadroomBytes : MaxMessageBytes;
        await SendAsync(storage.LeadQueue, storage.MessageEncoding, envelope.ToJson(), delay, limit, cancellationToken).ConfigureAwait(false);
        if (delay is null || delay <= TimeSpan.Zero) signal.Notify();
    }

    /// <summary>Replays a poison message that is not an envelope this version reads, unchanged.</summary>
    public Task SendTextAsync(string messageText, CancellationToken cancellationToken) =>
        SendAsync(storage.LeadQueue, storage.MessageEncoding, messageText, null, MaxMessageBytes, cancellationToken);

    /// <summary>Replays a message that could not be decoded exactly as stored, not encoded.</summary>
    public Task SendStoredTextAsync(string storedText, CancellationToken cancellationToken) =>
        SendAsync(storage.LeadQueueAsStored, QueueMessageEncoding.None, storedText, null, MaxMessageBytes, cancellationToken);

    public Task SendToPoisonAsync(string messageText, CancellationToken cancellationToken) =>
        SendAsync(storage.PoisonQueue, storage.MessageEncoding, messageText, null, MaxMessageBytes, cancellationToken);

    /// <summary>Cut to fit if it must be.</summary>
    public Task SendToPoisonAsync(UnreadableMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SendToPoisonAsync(message.ToJson(MaxMessageBytes, storage.MessagesAreBase64), cancellationToken);
    }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await storage.LeadQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await storage.PoisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static async Task SendAsync(QueueClient queue, QueueMessageEncoding encoding, string text, TimeSpan? delay, int limit,
        CancellationToken cancellationToken)
    {
        var size = System.Text.Encoding.UTF8.GetByteCount(text);
        if (encoding == QueueMessageEncoding.Base64) size = (size + 2) / 3 * 4;
        if (size > limit) throw new LeadTooLargeException(size, limit);

        await CreateWhenMissing.WriteAsync(queue, () => queue.SendMessageAsync(text, delay, NeverExpires, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }
}
