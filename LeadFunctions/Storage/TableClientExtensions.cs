using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;

namespace LeadFunctions.Storage;

/// <summary>The table calls the app makes, in the forms that also work when trimmed and compiled with Native AOT.</summary>
public static class TableClientExtensions
{
    /// <summary>
    /// Creates the table unless it exists. Not <see cref="TableClient.CreateIfNotExistsAsync"/>: that one serialises its
    /// request body by reflection, which Native AOT does not allow; <see cref="TableClient.CreateAsync"/> does not.
    /// </summary>
    public static async Task CreateIfMissingAsync(this TableClient table, CancellationToken cancellationToken)
    {
        try
        {
            await table.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409 && e.ErrorCode == TableErrorCode.TableAlreadyExists)
        {
            // Another instance (or delivery) created it first.
        }
    }

    /// <summary>Rows as <see cref="TableEntity"/>: the SDK creates each with <c>Activator.CreateInstance</c>, so trimming must keep that constructor.</summary>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    public static AsyncPageable<TableEntity> RowsAsync(
        this TableClient table, string? filter = null, int? maxPerPage = null, IEnumerable<string>? select = null, CancellationToken cancellationToken = default) =>
        table.QueryAsync<TableEntity>(filter, maxPerPage, select, cancellationToken);
}
