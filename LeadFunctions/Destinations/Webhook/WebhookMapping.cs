using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.Webhook;

/// <summary>
/// The body's <c>data</c> in the shared mapping format (<see cref="FieldMapping"/>): camelCase JSON names, no length limit
/// unless a <c>MaxLength</c> setting gives one; a field the lead has no value for is left out.
/// </summary>
public static partial class WebhookMapping
{
    public static MappingRules Rules() => new()
    {
        Destination = WebhookProtocol.Name,
        FieldName = FieldName(),
        FieldNameRule = "a JSON property name (a letter, then letters, digits and _)",
        Defaults =
        [
            new("firstName", "UserDetails.FirstName"),
            new("lastName", "UserDetails.LastName"),
            new("email", "UserDetails.Email"),
            new("phone", "UserDetails.Phone"),
            new("company", "UserDetails.Company"),
            new("title", "UserDetails.Title"),
            new("country", "UserDetails.Country"),
            new("offer", "Offer"),
            new("marketplace", "Marketplace"),
            new("leadSource", "LeadSource"),
            new("actionCode", "ActionCode"),
            new("campaign", "Campaign"),
            new("subject", "Subject"),
            new("description", "Description"),
            new("receivedAt", "ReceivedAt"),
            new("doNotContact", LeadFields.DoNotContact),
        ],
    };

    public static FieldMapping? TryCreate(WebhookOptions options, out IReadOnlyList<string> problems) =>
        FieldMapping.TryCreate(Rules(), options.Mapping, options.MaxLength, out problems);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex FieldName();
}
