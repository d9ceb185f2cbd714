using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Delivery;

/// <summary>Copies of a queue message share the steps that write a new message (docs/design.md, "Copies of a message").</summary>
public sealed partial class SettlementLedger(LeadStorage storage, IOptions<DeliveryOptions> options, TimeProvider time,
    ILogger<SettlementLedger> logger)
{
    /// <summary>How long a step may stay under way before another receipt takes it over.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(2);

    private readonly TableClient _table = storage.Tables.GetTableClient(options.Value.SettlementTable);

    /// <summary>False when the step is done; a message without an id (not from a queue) always takes it.</summary>
    /// <exception cref="StepUnderWayException">Another receipt is taking the step right now.</exception>
    public async Task<bool> TakeAsync(QueuedMessage message, string leadId, string step, CancellationToken cancellationToken)
    {
        if (message.MessageId is not { } messageId) return true;
        var (partition, row) = Key(message.Text, step);
        var receipt = $"{messageId}/{message.DequeueCount}";
        var now = time.GetUtcNow();
        var claim = new TableEntity(partition, row) { ["Receipt"] = receipt, ["Step"] = step, ["TakenAt"] = now, ["Done"] = false };
        try
        {
            await CreateWhenMissing.WriteAsync(_table, () => _table.AddEntityAsync(claim, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }

        var taken = (await _table.GetEntityAsync<TableEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        var by = taken.GetString("Receipt");
        if (taken.GetBoolean("Done") == true)
        {
            LogCopySkipped(LogText.Of(receipt), LogText.Of(leadId), step, LogText.Of(by));
            return false;
        }

        if (by == receipt) return true;
        if (now - (taken.GetDateTimeOffset("TakenAt") ?? now) < StepTimeout) throw new StepUnderWayException(step);
        try
        {
            await _table.UpdateEntityAsync(claim, taken.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new StepUnderWayException(step); // another receipt took it over first
        }

        LogTakenOver(LogText.Of(receipt), LogText.Of(leadId), step, LogText.Of(by));
        return true;
    }

    public async Task DoneAsync(QueuedMessage message, string step, CancellationToken cancellationToken)
    {
        if (message.MessageId is null) return;
        var (partition, row) = Key(message.Text, step);
        await _table.UpdateEntityAsync(new TableEntity(partition, row) { ["Done"] = true }, ETag.All, TableUpdateMode.Merge,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hashed, so any text and destination name make valid table keys.</summary>
    private static (string Partition, string Row) Key(string text, string step) =>
        (Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..40],
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(step)))[..32]);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message {Receipt} of lead {LeadId} is a copy: the step '{Step}' was done by {By}, so " +
        "this copy skips it (the queue delivers at least once)")]
    private partial void LogCopySkipped(string? receipt, string? leadId, string step, string? by);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue message {Receipt} of lead {LeadId} takes over the step '{Step}', which {By} took and " +
        "left unfinished")]
    private partial void LogTakenOver(string? receipt, string? leadId, string step, string? by);
}
