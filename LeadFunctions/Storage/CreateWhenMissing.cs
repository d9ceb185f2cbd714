using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Queues;

namespace LeadFunctions.Storage;

/// <summary>
/// A write to a queue or a table that may not exist yet (a new deployment, a new name, Azurite started empty): on
/// "not found" the queue or table is created and the write made once more. Intake, delivery and the delivery journal
/// all write this way, so none of them needs the resource created beforehand.
/// </summary>
public static class CreateWhenMissing
{
    /// <summary>Runs <paramref name="write"/> on the queue, creating the queue first if it turns out to be missing.</summary>
    public static Task WriteAsync(QueueClient queue, Func<Task> write, CancellationToken cancellationToken) =>
        RunAsync(write, () => queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken), e => e.ErrorCode == "QueueNotFound");

    /// <summary>Runs <paramref name="write"/> on the table, creating the table first if it turns out to be missing.</summary>
    public static Task WriteAsync(TableClient table, Func<Task> write, CancellationToken cancellationToken) =>
        RunAsync(write, () => table.CreateIfNotExistsAsync(cancellationToken), e => e.Status == 404 || e.ErrorCode == TableErrorCode.TableNotFound);

    private static async Task RunAsync(Func<Task> write, Func<Task> create, Func<RequestFailedException, bool> missing)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (missing(e))
        {
            await create().ConfigureAwait(false);
            await write().ConfigureAwait(false);
        }
    }
}
