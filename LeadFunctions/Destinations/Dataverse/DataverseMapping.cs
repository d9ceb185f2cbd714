using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary><c>lastname</c> and <c>subject</c> always filled: the lead form requires them (docs/dataverse.md "The mapping").</summary>
public static partial class DataverseMapping
{
    public static IReadOnlyDictionary<string, int> StandardMaxLengths { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["firstname"] = 50,
        ["lastname"] = 50,
        ["middlename"] = 50,
        ["emailaddress1"] = 100,
        ["emailaddress2"] = 100,
        ["emailaddress3"] = 100,
        ["telephone1"] = 50,
        ["telephone2"] = 50,
        ["telephone3"] = 50,
        ["companyname"] = 100,
        ["jobtitle"] = 100,
        ["websiteurl"] = 200,
        ["subject"] = 300,
        ["description"] = 2000,
        ["address1_line1"] = 250,
        ["address1_city"] = 80,
        ["address1_stateorprovince"] = 50,
        ["address1_postalcode"] = 20,
        ["address1_country"] = 80,
    };

    /// <summary>The rules of the lead table, with <paramref name="leadSourceCode"/> as the <c>leadsourcecode</c> option value.</summary>
    public static MappingRules Rules(int leadSourceCode) => new()
    {
        Destination = DataverseProtocol.Name,
        FieldName = ColumnName(),
        FieldNameRule = "a Dataverse column logical name (lower-case letters, digits and _)",
        LowerCaseNames = true,
        Defaults =
        [
            new("firstname", "UserDetails.FirstName"),
            new("lastname", "UserDetails.LastName"),
            new("emailaddress1", "UserDetails.Email"),
            new("telephone1", "UserDetails.Phone"),
            new("companyname", "UserDetails.Company"),
            new("jobtitle", "UserDetails.Title"),
            new("address1_country", "UserDetails.Country"),
            new("subject", "Subject"),
            new("description", "Notes"),
            new("leadsourcecode", "=" + leadSourceCode.ToString(CultureInfo.InvariantCulture)),

            // A do-not-contact lead: every contact method of the lead's "Contact Methods" section says "Do Not Allow",
            // and "Marketing Material" says "Do Not Send". Absent for any other lead, so the org's defaults apply.
            new("donotemail", LeadFields.DoNotContact),
            new("donotbulkemail", LeadFields.DoNotContact),
            new("donotphone", LeadFields.DoNotContact),
            new("donotfax", LeadFields.DoNotContact),
            new("donotpostalmail", LeadFields.DoNotContact),
            new("donotsendmm", LeadFields.DoNotContact),
        ],
        StandardMaxLengths = StandardMaxLengths,
        Reserved = new Dictionary<string, string> { ["leadid"] = "leadid is the record key, derived from the lead id; it cannot be mapped." },
        Required = [new("lastname", LeadFields.LastNameFallback), new("subject", LeadFields.Subject)],
    };

    public static FieldMapping? TryCreate(DataverseOptions options, out IReadOnlyList<string> problems) =>
        FieldMapping.TryCreate(Rules(options.LeadSourceCode), options.Mapping, options.MaxLength, out problems);

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex ColumnName();
}
