using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.HubSpot;

/// <summary>A HubSpot contact in the shared mapping format (<see cref="FieldMapping"/>).</summary>
public static partial class HubSpotMapping
{
    public const int MaxPropertyLength = 65_536;

    /// <summary>The custom contact property (single checkbox) that marks a do-not-contact lead's contact.</summary>
    public const string DoNotContactProperty = "marketplace_do_not_contact";

    public static MappingRules Rules(HubSpotOptions options) => new()
    {
        Destination = HubSpotProtocol.Name,
        FieldName = PropertyName(),
        FieldNameRule = "a HubSpot property internal name (lower-case letters, digits and _)",
        LowerCaseNames = true,
        Defaults =
        [
            new("firstname", "UserDetails.FirstName"),
            new("lastname", "UserDetails.LastName"),
            new("email", "UserDetails.Email"),
            new("phone", "UserDetails.Phone"),
            new("company", "UserDetails.Company"),
            new("jobtitle", "UserDetails.Title"),
            new("country", "UserDetails.Country"),
            new("message", "{Subject}\n\n{Notes}"),

            // A do-not-contact lead: the custom checkbox property the setup creates; absent for any other lead. HubSpot's
            // own opt-out (hs_email_optout) is read-only here: HubSpotProtocol unsubscribes the address instead.
            new(DoNotContactProperty, LeadFields.DoNotContact),
        ],
        TextValuesOnly = true,
        DefaultMaxLength = MaxPropertyLength,
        Reserved = new Dictionary<string, string>
        {
            [options.LeadIdProperty.Trim().ToLowerInvariant()] = $"{options.LeadIdProperty} holds the lead id, set by the app; it cannot be mapped.",
            ["hs_object_id"] = "hs_object_id is the record id HubSpot assigns; it cannot be mapped.",
        },
        Required = [new("lastname", LeadFields.LastNameFallback)],
        LeftOutWhenTooLong = new HashSet<string> { "email" },
    };

    public static FieldMapping? TryCreate(HubSpotOptions options, out IReadOnlyList<string> problems) =>
        FieldMapping.TryCreate(Rules(options), options.Mapping, options.MaxLength, out problems);

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    internal static partial Regex PropertyName();
}
