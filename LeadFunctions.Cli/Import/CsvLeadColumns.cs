using System.Text;

namespace LeadFunctions.Cli.Import;

/// <summary>
/// Which CSV header names mean which lead field. Names match ignoring case and everything but letters and digits
/// ("First name", "FIRST_NAME" and "firstName" are one name), so exports from Partner Center's Referrals workspace,
/// from a spreadsheet or from the MarketplaceLeads table all work. The table is listed in docs/operate.md.
/// </summary>
internal static class CsvLeadColumns
{
    /// <summary>A column holding the user details as JSON, as Partner Center's own Azure Table destination writes them.</summary>
    public const string CustomerInfo = "CustomerInfo";

    /// <summary>Each field of the lead (its path in the lead JSON) and the header names taken for it, besides the path itself.</summary>
    public static IReadOnlyList<(string Field, string[] Headers)> Fields { get; } =
    [
        ("UserDetails.FirstName", ["First name", "Given name", "Contact first name"]),
        ("UserDetails.LastName", ["Last name", "Surname", "Family name", "Contact last name"]),
        ("UserDetails.Email", ["Email", "E-mail", "Email address", "Contact email", "Work email"]),
        ("UserDetails.Phone", ["Phone", "Phone number", "Telephone", "Contact phone"]),
        ("UserDetails.Country", ["Country", "Country/Region", "Country or region"]),
        ("UserDetails.Company", ["Company", "Company name", "Organization", "Organisation", "Customer company"]),
        ("UserDetails.Title", ["Title", "Job title", "Position"]),
        ("OfferTitle", ["Offer", "Offer title", "Offer name", "Offer display name"]),
        ("LeadSource", ["Lead source", "Source"]),
        ("ActionCode", ["Action", "Action code", "Lead action"]),
        ("Description", ["Description", "Notes", "Comments"]),
    ];

    private static readonly Dictionary<string, string> ByName = BuildIndex();

    /// <summary>The field a header names, <see cref="CustomerInfo"/>, or null for a column that is not part of the lead.</summary>
    public static string? FieldFor(string header)
    {
        var key = Normalize(header);
        if (key == Normalize(CustomerInfo)) return CustomerInfo;
        return ByName.GetValueOrDefault(key);
    }

    /// <summary>Whether a value of the field may hold line breaks; in any other field one means a quote out of place.</summary>
    public static bool MaySpanLines(string field) => field is "Description" or CustomerInfo;

    public static string Normalize(string name)
    {
        var key = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsLetterOrDigit(c)) key.Append(char.ToLowerInvariant(c));
        }

        return key.ToString();
    }

    private static Dictionary<string, string> BuildIndex()
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, headers) in Fields)
        {
            index[Normalize(field)] = field;                                 // UserDetails.FirstName
            index.TryAdd(Normalize(field.Split('.')[^1]), field);            // FirstName, OfferTitle
            foreach (var header in headers) index[Normalize(header)] = field;
        }

        index[Normalize("OfferDisplayName")] = "OfferTitle";
        return index;
    }
}
