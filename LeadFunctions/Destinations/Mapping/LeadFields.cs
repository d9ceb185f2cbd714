using LeadFunctions.Leads;

namespace LeadFunctions.Destinations.Mapping;

/// <summary>The values a mapping can name: any field of the lead by its path, plus a few derived fields.</summary>
public static class LeadFields
{
    public const string NotProvided = "(not provided)";

    public static string? Resolve(LeadDelivery delivery, string path)
    {
        var lead = delivery.Lead;
        var value = path.ToUpperInvariant() switch
        {
            "LEADID" => delivery.LeadId,
            "RECEIVEDAT" => delivery.ReceivedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            "MARKETPLACE" => lead.Source.Marketplace,
            "OFFER" => Offer(lead),
            "SUBJECT" => Subject(lead),
            "NOTES" => Notes(lead),
            "DONOTCONTACT" => lead.DoNotContact ? "true" : null,
            _ => lead.Field(path),
        };
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    /// <summary>The value of <paramref name="path"/> as a field takes it: <c>DoNotContact</c> is <c>true</c> or absent, the rest text.</summary>
    public static JsonNode? Value(LeadDelivery delivery, string path) =>
        string.Equals(path, DoNotContact, StringComparison.OrdinalIgnoreCase)
            ? delivery.Lead.DoNotContact ? JsonValue.Create(true) : null
            : Resolve(delivery, path) is { } text ? JsonValue.Create(text) : null;

    /// <summary>The field that is <c>true</c> for a do-not-contact lead; the default mappings send it to each CRM's do-not-contact fields.</summary>
    public const string DoNotContact = "DoNotContact";

    public static string? Offer(Lead lead) => NonBlank(lead.OfferTitle) ?? NonBlank(lead.Source.Offer);

    /// <summary>"Azure Marketplace: Contoso Analytics — Contact me", without the parts the lead lacks; never empty (a required field).</summary>
    public static string Subject(Lead lead)
    {
        var marketplace = NonBlank(lead.Source.Marketplace);
        var what = Join(" — ", Offer(lead), NonBlank(lead.ActionDescription));
        return Join(": ", marketplace, what) ?? "Marketplace lead";
    }

    /// <summary>The default description: source, action, do-not-contact and campaign first (a cut shortens only the customer's text).</summary>
    public static string? Notes(Lead lead)
    {
        var action = NonBlank(lead.ActionCode) is { } code
            ? NonBlank(lead.ActionDescription) is { } words && !string.Equals(words, code, StringComparison.OrdinalIgnoreCase)
                ? $"{code} ({words})"
                : code
            : null;
        var header = Join("\n",
            NonBlank(lead.Source.Raw) is { } source ? $"Lead source: {source}" : null,
            action is null ? null : $"Action: {action}",
            lead.DoNotContact ? "Do not contact: the customer asked not to be contacted." : null,
            lead.Campaign.CodesText is { } campaign ? $"Campaign: {campaign}" : null);
        return Join("\n\n", header, NonBlank(lead.Description));
    }

    /// <summary>A last name for a lead without one (<c>.edu</c> leads): the company, else the e-mail before the @, else "(not provided)".</summary>
    public static string LastNameFallback(Lead lead)
    {
        if (NonBlank(lead.Customer.Company) is { } company) return company;
        if (NonBlank(lead.Customer.Email) is { } email && email.IndexOf('@', StringComparison.Ordinal) is var at and > 0) return email[..at].Trim();
        return NotProvided;
    }

    private static string? NonBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string? Join(string separator, params string?[] parts)
    {
        var present = parts.Where(p => p is not null).ToArray();
        return present.Length == 0 ? null : string.Join(separator, present);
    }
}
