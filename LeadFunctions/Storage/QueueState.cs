using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using LeadFunctions.Leads;

namespace LeadFunctions.Storage;

/// <summary>What a queue holds, read without changing it, for the pipeline gauges and <c>leadfunctions status</c>.</summary>
/// <param name="Messages">Approximate; includes those being processed and re-scheduled.</param>
/// <param name="OldestWaitingSince">When written or, for a re-scheduled lead, when its retry fell due.</param>
public sealed record QueueState(string Name, bool Exists, int Messages, DateTimeOffset? OldestWaitingSince, double? OldestAgeSeconds,
    bool? OldestNotEncoded)
{
    public const int PeekCount = 32;

    /// <param name="queue">Messages as stored (<see cref="LeadStorage.LeadQueueAsStored"/>): an undecodable one is reported.</param>
    public static async Task<QueueState> ReadAsync(QueueClient queue, bool base64, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        QueueProperties properties;
        PeekedMessage[] waiting;
        try
        {
            properties = (await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value;

            // A peek sees only visible messages: not those being processed, nor leads whose retry is not due yet.
            waiting = (await queue.PeekMessagesAsync(PeekCount, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return new QueueState(queue.Name, false, 0, null, null, null);
        }

        (DateTimeOffset Since, bool Encoded)? oldest = null;
        foreach (var message in waiting)
        {
            var since = WaitingSince(message, base64, now, out var encoded);
            if (oldest is null || since < oldest.Value.Since) oldest = (since, encoded);
        }

        return oldest is { } found
            ? new QueueState(queue.Name, true, properties.ApproximateMessagesCount, found.Since, Math.Round(Math.Max(0,
                (now - found.Since).TotalSeconds)), found.Encoded ? null : true)
            : new QueueState(queue.Name, true, properties.ApproximateMessagesCount, null, null, null);
    }

    private static DateTimeOffset WaitingSince(PeekedMessage message, bool base64, DateTimeOffset now, out bool encoded)
    {
        var written = message.InsertedOn ?? now;
        var text = StoredText.Decode(message.MessageText, base64, out encoded);
        return encoded && LeadEnvelope.TryParse(text, out _) is { RetryAt: { } due } && due > written ? due : written;
    }
}
