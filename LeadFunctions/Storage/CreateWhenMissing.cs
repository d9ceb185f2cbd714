using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Queues;

namespace LeadFunctions.Storage;

/// <summary>A write to a queue or table that may not exist yet: on "not found" it is created and the write made again.</summary>
public static class CreateWhenMissing
{
    public static Task WriteAsync(QueueClient queue, Func<Task> write, CancellationToken cancellationToken) =>
        RunAsync(write, () => queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken), e => e.ErrorCode == "QueueNotFound");

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
