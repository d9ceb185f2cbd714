namespace LeadFunctions.Destinations.AzureTable;

/// <summary>Settings of the Azure Table destination (<c>Destinations__Table__…</c>).</summary>
public sealed class AzureTableOptions
{
    public const string Section = "Destinations:Table";

    /// <summary>The table; Partner Center's own Azure Table destination uses <c>MarketplaceLeads</c>.</summary>
    public string TableName { get; set; } = "MarketplaceLeads";
}
