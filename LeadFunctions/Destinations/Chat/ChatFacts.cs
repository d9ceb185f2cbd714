using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.Chat;

/// <summary>
/// What a chat message shows, as a <see cref="FieldMapping"/> whose field names are the facts' labels: offer, action,
/// company, country and the do-not-contact mark always; the personal fields the setting names; extra facts from
/// <c>Mapping__&lt;label&gt;</c>. Every fact is cut to <see cref="DefaultMaxLength"/> characters unless set otherwise.
/// </summary>
public static partial class ChatFacts
{
    public const int DefaultMaxLength = 200;

    /// <summary>The facts every message shows, in order (the do-not-contact mark is shown apart, see <see cref="ChatMessage"/>).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Always { get; } =
    [
        new("Offer", "Offer"),
        new("Action", "ActionDescription"),
        new("Company", "UserDetails.Company"),
        new("Country", "UserDetails.Country"),
        new(LeadFields.DoNotContact, LeadFields.DoNotContact),
    ];

    /// <summary>The personal fields <c>PersonalFields</c> may name, and where each comes from.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Personal { get; } =
    [
        new("Name", "{UserDetails.FirstName} {UserDetails.LastName}"),
        new("Email", "UserDetails.Email"),
        new("Phone", "UserDetails.Phone"),
        new("Title", "UserDetails.Title"),
    ];

    /// <summary>The facts of <paramref name="options"/>, or null and the problems, one sentence each naming the setting.</summary>
    public static FieldMapping? TryCreate(IChatOptions options, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        var personal = ParsePersonalFields(options, errors);
        var mapping = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (label, source) in options.Mapping)
        {
            if (Always.Concat(Personal).Any(f => string.Equals(f.Key, label.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"Destinations__{options.Name}__Mapping__{label}: {label} is a standard fact; it cannot be mapped (personal fields " +
                    $"appear through Destinations__{options.Name}__PersonalFields).");
                continue;
            }

            mapping[label] = source;
        }

        var rules = new MappingRules
        {
            Destination = options.Name,
            FieldName = Label(),
            FieldNameRule = "a label of letters and digits, e.g. Campaign",
            Defaults = [.. Always, .. Personal.Where(p => personal.Contains(p.Key))],
            DefaultMaxLength = DefaultMaxLength,
        };
        var facts = FieldMapping.TryCreate(rules, mapping, options.MaxLength, out var mappingProblems);
        errors.AddRange(mappingProblems);
        problems = errors;
        return errors.Count == 0 ? facts : null;
    }

    /// <summary>The personal fields named by <c>PersonalFields</c> (<c>;</c> or <c>,</c> between them); unknown names are problems.</summary>
    public static IReadOnlySet<string> ParsePersonalFields(IChatOptions options, List<string> problems)
    {
        var named = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in (options.PersonalFields ?? "").Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Personal.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Key is { } known)
            {
                named.Add(known);
            }
            else if (!string.Equals(name, "None", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"Destinations__{options.Name}__PersonalFields '{options.PersonalFields}' names '{name}', which is not a personal " +
                    "field: give any of Name;Email;Phone;Title, or leave it empty for none.");
            }
        }

        return named;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*$")]
    private static partial Regex Label();
}
