using LeadFunctions.Hosting;
using LeadFunctions.Cli.Storage;
using LeadFunctions.Storage;

namespace LeadFunctions.Cli.Status;

/// <summary>
/// Reads the numbers <c>status</c> shows, with the app's own code: the queues through <see cref="QueueState"/> (as the
/// pipeline gauges read them), the gauges' values through <see cref="GaugeValues"/>, destination health from the app's
/// health endpoint. Nothing is changed: depths come from queue properties, ages from a peek.
/// </summary>
internal static class PipelineStatus
{
    /// <param name="health">The app's <c>/api/health/details?code=KEY</c>; null leaves destination health out.</param>
    public static async Task<StatusReport> ReadAsync(StorageConnection connection, Uri? health, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var storage = connection.Storage;
        var queue = await QueueState.ReadAsync(storage.LeadQueueAsStored, storage.MessagesAreBase64, now, cancellationToken);
        var poison = await QueueState.ReadAsync(storage.PoisonQueueAsStored, storage.MessagesAreBase64, now, cancellationToken);
        var destinations = health is null ? null : await DestinationHealth.ReadAsync(health, cancellationToken);

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

        return new StatusReport(connection.Account, queue, poison, delivered, connection.JournalTable, now, GaugeValues.Of(queue, poison,
            destinations));
    }
}
