using Azure;
using Azure.Data.Tables;
using LeadFunctions.Storage;

namespace LeadFunctions.Delivery;

/// <summary>"Did my lead arrive?" answered without the CRM: ids and times, no lead data.</summary>
public sealed partial class DeliveryJournal(LeadStorage storage, IOptions<DeliveryOptions> options, ILogger<DeliveryJournal> logger)
{
    private readonly TableClient? _table =
        string.IsNullOrWhiteSpace(options.Value.JournalTable) ? null : storage.Tables.GetTableClient(options.Value.JournalTable);

    public static string PartitionFor(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    /// <summary>Records a delivery. Best effort: the lead is delivered whether or not the journal could be written.</summary>
    public async Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken)
    {
        if (_table is null) return;
        var entity = new TableEntity(PartitionFor(record.DeliveredAt), $"{record.LeadId}-{record.Destination}")
        {
            ["LeadId"] = record.LeadId,
            ["Destination"] = record.Destination,
            ["DeliveredAt"] = record.DeliveredAt,
            ["ReceivedAt"] = record.ReceivedAt,
            ["Attempt"] = record.Attempt,
            ["AlreadyThere"] = record.AlreadyThere,
        };
        try
        {
            await CreateWhenMissing.WriteAsync(_table, () => _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or IOException or TimeoutException)
        {
            LogNotRecorded(logger, record.LeadId, e.GetType().Name);
        }
    }

    public async IAsyncEnumerable<DeliveryRecord> SinceAsync(DateTimeOffset since,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_table is null) yield break;
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {PartitionFor(since)} and DeliveredAt ge {since}");
        var rows = _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken);
        await using var enumerator = rows.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false)) yield break;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                yield break;
            }

            var row = enumerator.Current;
            yield return new DeliveryRecord(
                row.GetString("LeadId") ?? "",
                row.GetString("Destination") ?? "",
                row.GetDateTimeOffset("DeliveredAt") ?? default,
                row.GetDateTimeOffset("ReceivedAt") ?? default,
                row.GetInt32("Attempt") ?? 0,
                row.GetBoolean("AlreadyThere") ?? false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of lead {LeadId} could not be recorded in the journal ({ErrorType}); the lead " +
        "itself is delivered")]
    private static partial void LogNotRecorded(ILogger logger, string leadId, string errorType);
}
