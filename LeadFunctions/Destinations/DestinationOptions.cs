namespace LeadFunctions.Destinations;

/// <summary>Which destination receives the leads (<c>Crm__Target</c>).</summary>
public sealed class DestinationOptions
{
    public const string Section = "Crm";

    public string Target { get; set; } = "Table";
}
