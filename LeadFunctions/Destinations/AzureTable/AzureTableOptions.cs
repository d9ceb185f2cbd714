namespace LeadFunctions.Destinations.AzureTable;

/// <summary>Settings of the Azure Table destination (<c>Crm__Table__…</c>).</summary>
public sealed class AzureTableOptions
{
    public const string Section = "Crm:Table";

    /// <summary>The table; Partner Center's own Azure Table destination uses <c>MarketplaceLeads</c>.</summary>
    public string TableName { get; set; } = "MarketplaceLeads";
}
