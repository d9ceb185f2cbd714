using Azure;
using Azure.Storage.Queues;
using LeadFunctions.Cli.Storage;

namespace LeadFunctions.Cli.Status;

/// <summary>Reads the numbers <c>status</c> shows. Nothing is changed: depths come from queue properties, ages from a peek.</summary>
internal static class PipelineStatus
{
    public static async Task<StatusReport> ReadAsync(StorageConnection connection, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var storage = connection.Storage;
        var queue = await ReadQueueAsync(storage.LeadQueueAsStored, storage.MessagesAreBase64, now, cancellationToken);
        var poison = await ReadQueueAsync(storage.PoisonQueueAsStored, storage.MessagesAreBase64, now, cancellationToken);

        int? delivered = null;
        if (connection.JournalTable is not null)
        {
            var since = now.AddHours(-1);
            delivered = 0;
            await foreach (var record in connection.Journal.SinceAsync(since, cancellationToken))
            {
                if (record.DeliveredAt >= since && record.DeliveredAt <= now) delivered++;
            }
        }

        return new StatusReport(connection.Account, queue, poison, delivered, connection.JournalTable, now);
    }

    /// <param name="queue">The queue with messages as stored: a message the app cannot decode is reported, not a failure.</param>
    private static async Task<QueueStatus> ReadQueueAsync(QueueClient queue, bool base64, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await queue.GetPropertiesAsync(cancellationToken);

            // A peek sees the messages that are waiting; those being processed or scheduled for a retry are invisible to it.
            var oldest = (await queue.PeekMessagesAsync(1, cancellationToken)).Value.FirstOrDefault();
            var age = oldest?.InsertedOn is { } inserted ? Math.Round(Math.Max(0, (now - inserted).TotalSeconds)) : (double?)null;
            var undecodable = oldest is not null && !IsEncoded(oldest.MessageText, base64);
            return new QueueStatus(queue.Name, true, properties.Value.ApproximateMessagesCount, oldest?.InsertedOn, age, undecodable ? true : null);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new QueueStatus(queue.Name, false, 0, null, null, null);
        }
    }

    private static bool IsEncoded(string stored, bool base64)
    {
        StoredText.Decode(stored, base64, out var encoded);
        return encoded;
    }
}

/// <param name="Messages">All messages, including those being processed or waiting for a retry (the service's approximate count).</param>
/// <param name="OldestAgeSeconds">Age of the oldest message that is waiting (visible), from its insertion into this queue.</param>
/// <param name="OldestNotEncoded">True when that message is not encoded as host.json says: neither the app nor this tool can decode it.</param>
internal sealed record QueueStatus(string Name, bool Exists, int Messages, DateTimeOffset? OldestInsertedAt, double? OldestAgeSeconds, bool? OldestNotEncoded);

/// <param name="DeliveriesLastHour">Deliveries recorded by the journal in the hour before <paramref name="At"/>; null when the journal is off.</param>
internal sealed record StatusReport(string Account, QueueStatus Queue, QueueStatus Poison, int? DeliveriesLastHour, string? JournalTable, DateTimeOffset At);
