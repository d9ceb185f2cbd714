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
        var queue = await ReadQueueAsync(connection.Storage.LeadQueue, now, cancellationToken);
        var poison = await ReadQueueAsync(connection.Storage.PoisonQueue, now, cancellationToken);

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

    private static async Task<QueueStatus> ReadQueueAsync(QueueClient queue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await queue.GetPropertiesAsync(cancellationToken);

            // A peek sees the messages that are waiting; those being processed or scheduled for a retry are invisible to it.
            var oldest = (await queue.PeekMessagesAsync(1, cancellationToken)).Value.FirstOrDefault();
            var age = oldest?.InsertedOn is { } inserted ? Math.Max(0, (now - inserted).TotalSeconds) : (double?)null;
            return new QueueStatus(queue.Name, true, properties.Value.ApproximateMessagesCount, oldest?.InsertedOn, age is null ? null : Math.Round(age.Value));
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new QueueStatus(queue.Name, false, 0, null, null);
        }
    }
}

/// <param name="Messages">All messages, including those being processed or waiting for a retry (the service's approximate count).</param>
/// <param name="OldestAgeSeconds">Age of the oldest message that is waiting (visible), from its insertion into this queue.</param>
internal sealed record QueueStatus(string Name, bool Exists, int Messages, DateTimeOffset? OldestInsertedAt, double? OldestAgeSeconds);

/// <param name="DeliveriesLastHour">Deliveries recorded by the journal in the hour before <paramref name="At"/>; null when the journal is off.</param>
internal sealed record StatusReport(string Account, QueueStatus Queue, QueueStatus Poison, int? DeliveriesLastHour, string? JournalTable, DateTimeOffset At);
