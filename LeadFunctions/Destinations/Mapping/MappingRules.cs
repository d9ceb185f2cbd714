using LeadFunctions.Leads;

namespace LeadFunctions.Destinations.Mapping;

/// <summary>One destination's records to a <see cref="FieldMapping"/>: field names, defaults, lengths, reserved and required fields.</summary>
public sealed record MappingRules
{
    public required string Destination { get; init; }

    public required Regex FieldName { get; init; }

    /// <summary>The rule in words, completing "'x' is not …", e.g. "a Dataverse column logical name (lower-case letters, digits and _)".</summary>
    public required string FieldNameRule { get; init; }

    /// <summary>True where field names are lower case (Dataverse logical names, HubSpot internal names): settings are lowered to match.</summary>
    public bool LowerCaseNames { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> Defaults { get; init; }

    public IReadOnlyDictionary<string, int> StandardMaxLengths { get; init; } = new Dictionary<string, int>();

    /// <summary>The maximum length of any other text field (e.g. HubSpot's 65,536 characters per property); null: unknown.</summary>
    public int? DefaultMaxLength { get; init; }

    public IReadOnlyDictionary<string, string> Reserved { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<KeyValuePair<string, Func<Lead, string>>> Required { get; init; } = [];

    /// <summary>Fields that are left out rather than cut when too long (a cut e-mail address is not an address).</summary>
    public IReadOnlySet<string> LeftOutWhenTooLong { get; init; } = new HashSet<string>();

    /// <summary>True where every field value is text (HubSpot's properties): flags and numbers are sent as their JSON text.</summary>
    public bool TextValuesOnly { get; init; }

    public StringComparer Names => LowerCaseNames ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

    public string Setting(string kind, string field) => $"Destinations__{Destination}__{kind}__{field}";

    public string Normalize(string field) => LowerCaseNames ? field.Trim().ToLowerInvariant() : field.Trim();

    public int? MaxLengthOf(string field, IReadOnlyDictionary<string, int> configured) =>
        configured.TryGetValue(field, out var length) ? length
        : StandardMaxLengths.TryGetValue(field, out var standard) ? standard
        : DefaultMaxLength;
}
