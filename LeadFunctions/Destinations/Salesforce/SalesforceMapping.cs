using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.Salesforce;

/// <summary>The Salesforce <c>Lead</c> in the shared mapping format (<see cref="FieldMapping"/>).</summary>
public static partial class SalesforceMapping
{
    /// <summary>What fills <c>Company</c> when the lead has none (e.g. <c>.edu</c> leads, consumers).</summary>
    public const string NoCompany = LeadFields.NotProvided;

    public static IReadOnlyDictionary<string, int> StandardMaxLengths { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["FirstName"] = 40,
        ["MiddleName"] = 40,
        ["LastName"] = 80,
        ["Suffix"] = 40,
        ["Title"] = 128,
        ["Company"] = 255,
        ["Email"] = 80,
        ["Phone"] = 40,
        ["MobilePhone"] = 40,
        ["Website"] = 255,
        ["Street"] = 255,
        ["City"] = 40,
        ["State"] = 80,
        ["PostalCode"] = 20,
        ["Country"] = 80,
        ["LeadSource"] = 255,
        ["Description"] = 32000,
    };

    public static MappingRules Rules(SalesforceOptions options)
    {
        var reserved = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Id"] = "Id is the record id Salesforce assigns; it cannot be mapped.",
        };
        if (SalesforceSettings.LeadIdFieldOf(options) is { } field) reserved[field] = $"{field} holds the lead id, set by the app; it cannot be " +
            "mapped.";
        return new MappingRules
        {
            Destination = SalesforceProtocol.Name,
            FieldName = FieldApiName(),
            FieldNameRule = "a Salesforce field API name (letters, digits and _, custom fields ending in __c)",
            Defaults =
            [
                new("FirstName", "UserDetails.FirstName"),
                new("LastName", "UserDetails.LastName"),
                new("Email", "UserDetails.Email"),
                new("Phone", "UserDetails.Phone"),
                new("Company", "UserDetails.Company"),
                new("Title", "UserDetails.Title"),
                new("Country", "UserDetails.Country"),
                new("LeadSource", "=Web"),
                new("Description", "{Subject}\n\n{Notes}"),

                // A do-not-contact lead: "Email Opt Out", "Do Not Call" and "Fax Opt Out" ticked; absent for any other lead.
                new("HasOptedOutOfEmail", LeadFields.DoNotContact),
                new("DoNotCall", LeadFields.DoNotContact),
                new("HasOptedOutOfFax", LeadFields.DoNotContact),
            ],
            StandardMaxLengths = StandardMaxLengths,
            Reserved = reserved,
            Required = [new("LastName", LeadFields.LastNameFallback), new("Company", _ => NoCompany)],
            LeftOutWhenTooLong = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "Email" },
        };
    }

    public static FieldMapping? TryCreate(SalesforceOptions options, out IReadOnlyList<string> problems) =>
        FieldMapping.TryCreate(Rules(options), options.Mapping, options.MaxLength, out problems);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    internal static partial Regex FieldApiName();
}
