using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Identity;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.AzureTable;

/// <summary>Partner Center's own columns (existing consumers keep working); create-only, keyed by the lead id.</summary>
public sealed class AzureTableDestination(LeadStorage storage, IOptions<AzureTableOptions> options) : ILeadDestination
{
    /// <summary>Table string properties hold at most 64 KiB (32 K UTF-16 characters); longer text is cut, never refused.</summary>
    internal const int MaxStringLength = 32_000;

    private readonly TableClient _table = storage.Tables.GetTableClient(options.Value.TableName);

    public string Name => "Table";

    public async Task<DeliveryOutcome> DeliverAsync(LeadDelivery delivery, CancellationToken cancellationToken)
    {
        var entity = ToEntity(delivery);
        try
        {
            await CreateWhenMissing.WriteAsync(_table, () => _table.AddEntityAsync(entity, cancellationToken), cancellationToken)
                .ConfigureAwait(false);

            return new DeliveryOutcome.Delivered(AlreadyThere: false);
        }
        catch (RequestFailedException e) when (e.Status == 409 && e.ErrorCode == TableErrorCode.EntityAlreadyExists)
        {
            return new DeliveryOutcome.Delivered(AlreadyThere: true);
        }
        catch (RequestFailedException e)
        {
            var failure = new DeliveryFailure(Name, e.Status == 0 ? null : e.Status, e.ErrorCode, LogText.FirstLine(e.Message));
            return e.Status is 0 or 408 or 429 or >= 500
                ? new DeliveryOutcome.RetryLater(failure)
                : new DeliveryOutcome.CannotDeliver(failure);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or IOException
                                      or OperationCanceledException { CancellationToken.IsCancellationRequested: false })
        {
            return new DeliveryOutcome.RetryLater(new DeliveryFailure(Name, null, e.GetType().Name, LogText.FirstLine(e.Message)));
        }
    }

    public async Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var rows = _table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken);
            await foreach (var _ in rows.ConfigureAwait(false)) break;
            return HealthCheckResult.Healthy();
        }
        catch (RequestFailedException e) when (e.ErrorCode == TableErrorCode.TableNotFound)
        {
            return HealthCheckResult.Healthy("The table does not exist yet; the first delivery creates it.");
        }
        catch (Exception e) when (e is RequestFailedException or HttpRequestException or IOException or TimeoutException
                                      or AuthenticationFailedException)
        {
            return HealthCheckResult.Unhealthy($"Table storage: {e.GetType().Name} {(e as RequestFailedException)?.Status}");
        }
    }

    internal static TableEntity ToEntity(LeadDelivery delivery)
    {
        var lead = delivery.Lead;
        return new TableEntity(PartitionFor(delivery.LeadId), delivery.LeadId)
        {
            ["LeadId"] = delivery.LeadId,
            ["CustomerInfo"] = ColumnCut.Json(lead.Canonical["UserDetails"] as JsonObject ?? [], MaxStringLength),
            ["LeadSource"] = Cut(lead.Source.Raw),
            ["ActionCode"] = Cut(lead.ActionCode),
            ["OfferDisplayName"] = Cut(lead.OfferTitle),
            ["Description"] = Cut(lead.Description),
            ["CreatedTime"] = delivery.ReceivedAt,
            ["IsTestLead"] = lead.IsTestLead,
            ["DoNotContact"] = lead.DoNotContact,
            ["Campaign"] = Cut(lead.Campaign.CodesText),
            ["OfferId"] = lead.Source.OfferId,
            ["PublisherId"] = lead.Source.PublisherId,
        };
    }

    /// <summary>The first two hex digits of the lead id: 256 partitions, and the same partition for every copy of a lead.</summary>
    internal static string PartitionFor(string leadId) => leadId[..Math.Min(2, leadId.Length)];

    private static string? Cut(string? text) => text is null ? null : ColumnCut.Text(text, MaxStringLength);

}
