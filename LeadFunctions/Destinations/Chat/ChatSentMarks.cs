using Azure;
using Azure.Data.Tables;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Chat;

/// <summary>
/// A chat cannot drop repeats, so each lead posted is marked in a table (partition: the destination, row: the lead id):
/// a lead found marked is delivered without posting; a post the chat confirmed (2xx) is marked. Hence never a second
/// message after a confirmed success; after an ambiguous failure (no answer) the lead is posted again.
/// </summary>
public sealed partial class ChatSentMarks(LeadStorage storage, string tableName, string destination, ILogger logger)
{
    private readonly TableClient _table = storage.Tables.GetTableClient(tableName);

    /// <summary>Runs <paramref name="post"/> unless the lead is marked sent; marks it after a confirmed post.</summary>
    public async Task<DeliveryOutcome> PostOnceAsync(LeadDelivery delivery, Func<Task<DeliveryOutcome>> post, CancellationToken cancellationToken)
    {
        try
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(destination, delivery.LeadId, ["PartitionKey"], cancellationToken)
                .ConfigureAwait(false);
            if (found.HasValue) return new DeliveryOutcome.Delivered(AlreadyThere: true);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No table yet: nothing was posted.
        }
        catch (RequestFailedException e)
        {
            return new DeliveryOutcome.RetryLater(new DeliveryFailure(destination, null, "SentTable",
                $"The sent marks ({tableName}) cannot be read ({e.Status} {LogText.Id(e.ErrorCode)}); nothing was posted."));
        }

        var outcome = await post().ConfigureAwait(false);
        if (outcome is DeliveryOutcome.Delivered) await MarkAsync(delivery.LeadId, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    private async Task MarkAsync(string leadId, CancellationToken cancellationToken)
    {
        var mark = new TableEntity(destination, leadId) { ["SentAt"] = DateTimeOffset.UtcNow };
        try
        {
            await CreateWhenMissing.WriteAsync(_table, () => _table.AddEntityAsync(mark, CancellationToken.None), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Marked by a copy of this message meanwhile.
        }
        catch (RequestFailedException e)
        {
            // Posted and confirmed: the lead is delivered; only a later replay of it could post again.
            LogNotMarked(logger, destination, leadId, e.Status, LogText.Id(e.ErrorCode));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Destination}: lead {LeadId} was posted but its sent mark could not be written ({Status} {Code})")]
    private static partial void LogNotMarked(ILogger logger, string destination, string leadId, int status, string? code);
}
