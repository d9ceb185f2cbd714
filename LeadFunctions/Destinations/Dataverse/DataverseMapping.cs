using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>
/// Turns a lead into the body of a Dataverse <c>lead</c> record: the default mapping of DESIGN 3.6, changed by
/// <c>Crm__Dataverse__Mapping__&lt;column&gt;</c> settings. A setting's value is one of:
/// <list type="bullet">
/// <item>a field path — <c>UserDetails.Email</c>, <c>OfferTitle</c>, <c>LeadSource.Offer</c>, or a derived field of <see cref="LeadFields"/>;</item>
/// <item>a template — text with <c>{path}</c> placeholders, e.g. <c>{OfferTitle} ({ActionCode})</c>; <c>{{</c> and <c>}}</c> are literal braces;</item>
/// <item>a constant — <c>=</c> then a JSON number, <c>true</c>/<c>false</c>, <c>null</c> or <c>"text"</c>, else the text as written
/// (<c>=8</c> is the number 8, e.g. an option-set value; <c>=Web</c> and <c>="8"</c> are text);</item>
/// <item>empty — the default column is not sent.</item>
/// </list>
/// A column whose value the lead does not have is left out. Text is cut to the column's maximum length (known for
/// standard columns, <c>Crm__Dataverse__MaxLength__&lt;column&gt;</c> for others). <c>lastname</c> and
/// <c>subject</c> are always filled (<see cref="LeadFields.LastNameFallback"/>, <see cref="LeadFields.Subject"/>).
/// </summary>
public sealed partial class DataverseMapping
{
    /// <summary>Maximum lengths of the standard lead text columns a mapping is likely to use.</summary>
    public static IReadOnlyDictionary<string, int> StandardMaxLengths { get; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
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

    private readonly IReadOnlyList<Column> _columns;

    private DataverseMapping(IReadOnlyList<Column> columns) => _columns = columns;

    /// <summary>The columns this mapping may send, in order.</summary>
    public IReadOnlyList<string> Columns => _columns.Select(c => c.Name).ToList();

    /// <summary>The default mapping, with <paramref name="leadSourceCode"/> as the <c>leadsourcecode</c> option value.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Defaults(int leadSourceCode) =>
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
    ];

    /// <summary>Builds the mapping from the settings; <paramref name="problems"/> says what is wrong with them, one sentence each.</summary>
    public static DataverseMapping? TryCreate(DataverseOptions options, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        var sources = new List<KeyValuePair<string, string?>>();
        foreach (var (column, value) in Defaults(options.LeadSourceCode)) sources.Add(new(column, value));
        foreach (var (key, value) in options.Mapping)
        {
            var column = key.Trim().ToLowerInvariant();
            var index = sources.FindIndex(s => s.Key == column);
            if (index >= 0) sources[index] = new(column, value);
            else sources.Add(new(column, value));
        }

        foreach (var (key, length) in options.MaxLength)
        {
            if (length <= 0) errors.Add($"Crm__Dataverse__MaxLength__{key} must be a positive number of characters.");
        }

        var columns = new List<Column>();
        foreach (var (column, value) in sources)
        {
            if (!ColumnName().IsMatch(column))
            {
                errors.Add($"Crm__Dataverse__Mapping__{column}: '{column}' is not a Dataverse column logical name (lower-case letters, digits and _).");
                continue;
            }

            if (column == "leadid")
            {
                errors.Add("Crm__Dataverse__Mapping__leadid: leadid is the record key, derived from the lead id; it cannot be mapped.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(value)) continue;
            if (ParseSource(column, value.Trim(), errors) is not { } source) continue;

            var maxLength = options.MaxLength.TryGetValue(column, out var configured) ? configured
                : StandardMaxLengths.TryGetValue(column, out var standard) ? standard
                : (int?)null;
            columns.Add(new Column(column, source, maxLength));
        }

        problems = errors;
        return errors.Count == 0 ? new DataverseMapping(columns) : null;
    }

    /// <summary>The record body for one lead: only the columns the lead has values for, text cut to length.</summary>
    public JsonObject Map(LeadDelivery delivery)
    {
        var record = new JsonObject();
        foreach (var column in _columns)
        {
            var value = column.Source.ValueFor(delivery);
            if (value is null && column.Source is not Constant) continue;
            record[column.Name] = value is JsonValue text && text.TryGetValue(out string? s) && column.MaxLength is { } max
                ? JsonValue.Create(Truncate(s, max))
                : value;
        }

        // Required on the Dynamics lead form: never leave them empty.
        if (IsBlank(record["lastname"])) record["lastname"] = Truncate(LeadFields.LastNameFallback(delivery.Lead), MaxLengthOf("lastname"));
        if (IsBlank(record["subject"])) record["subject"] = Truncate(LeadFields.Subject(delivery.Lead), MaxLengthOf("subject"));
        return record;
    }

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxLength"/> UTF-16 characters, never inside a surrogate pair.</summary>
    public static string Truncate(string text, int maxLength)
    {
        if (text.Length <= maxLength) return text;
        var cut = maxLength;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return text[..cut];
    }

    private int MaxLengthOf(string column) =>
        _columns.FirstOrDefault(c => c.Name == column)?.MaxLength ?? StandardMaxLengths[column];

    private static bool IsBlank(JsonNode? node) =>
        node is null || (node is JsonValue value && value.TryGetValue(out string? text) && string.IsNullOrWhiteSpace(text));

    private static Source? ParseSource(string column, string value, List<string> errors)
    {
        var setting = $"Crm__Dataverse__Mapping__{column}";
        if (value.StartsWith('='))
        {
            var literal = value[1..].Trim();
            try
            {
                var node = JsonNode.Parse(literal);
                if (node is JsonValue or null) return new Constant(node);
            }
            catch (JsonException)
            {
                // Not JSON: the text as written.
            }

            return new Constant(JsonValue.Create(literal));
        }

        if (value.Contains('{', StringComparison.Ordinal) || value.Contains('}', StringComparison.Ordinal))
        {
            return Template.TryParse(value, out var template, out var problem)
                ? template
                : Fail($"{setting}: the template '{value}' {problem}");
        }

        return FieldPath().IsMatch(value)
            ? new Field(value)
            : Fail($"{setting}: '{value}' is neither a field path (e.g. UserDetails.Email), a template (e.g. {{OfferTitle}} ({{ActionCode}})) nor a constant (e.g. =8 or =Web).");

        Source? Fail(string problem)
        {
            errors.Add(problem);
            return null;
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex ColumnName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    internal static partial Regex FieldPath();

    private sealed record Column(string Name, Source Source, int? MaxLength);

    private abstract record Source
    {
        public abstract JsonNode? ValueFor(LeadDelivery delivery);
    }

    private sealed record Field(string Path) : Source
    {
        public override JsonNode? ValueFor(LeadDelivery delivery) =>
            LeadFields.Resolve(delivery, Path) is { } text ? JsonValue.Create(text) : null;
    }

    private sealed record Constant(JsonNode? Value) : Source
    {
        public override JsonNode? ValueFor(LeadDelivery delivery) => Value?.DeepClone();
    }

    /// <summary>Text with <c>{path}</c> placeholders; a placeholder the lead lacks is empty, and an all-blank result leaves the column out.</summary>
    private sealed record Template(IReadOnlyList<(string Text, bool IsField)> Parts) : Source
    {
        public override JsonNode? ValueFor(LeadDelivery delivery)
        {
            var text = new StringBuilder();
            foreach (var (part, isField) in Parts) text.Append(isField ? LeadFields.Resolve(delivery, part) : part);
            var result = text.ToString().Trim();
            return result.Length == 0 ? null : JsonValue.Create(result);
        }

        public static bool TryParse(string value, out Template template, out string problem)
        {
            var parts = new List<(string, bool)>();
            var literal = new StringBuilder();
            template = new Template(parts);
            problem = "";
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if ((c == '{' || c == '}') && i + 1 < value.Length && value[i + 1] == c)
                {
                    literal.Append(c);
                    i++;
                }
                else if (c == '{')
                {
                    var end = value.IndexOf('}', i + 1);
                    if (end < 0)
                    {
                        problem = "has a '{' without its '}'.";
                        return false;
                    }

                    var path = value[(i + 1)..end].Trim();
                    if (!FieldPath().IsMatch(path))
                    {
                        problem = $"has '{{{path}}}', which is not a field path (e.g. {{UserDetails.Email}}).";
                        return false;
                    }

                    if (literal.Length > 0) parts.Add((literal.ToString(), false));
                    literal.Clear();
                    parts.Add((path, true));
                    i = end;
                }
                else if (c == '}')
                {
                    problem = "has a '}' without its '{' (write }} for a literal brace).";
                    return false;
                }
                else
                {
                    literal.Append(c);
                }
            }

            if (literal.Length > 0) parts.Add((literal.ToString(), false));
            return true;
        }
    }
}
