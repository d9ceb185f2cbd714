namespace LeadFunctions.Destinations.Mapping;

/// <summary>A destination's default mapping changed by settings (docs/dataverse.md, "The mapping").</summary>
public sealed partial class FieldMapping
{
    private readonly MappingRules _rules;
    private readonly IReadOnlyList<Column> _columns;
    private readonly IReadOnlyDictionary<string, int> _maxLengths;

    private FieldMapping(MappingRules rules, IReadOnlyList<Column> columns, IReadOnlyDictionary<string, int> maxLengths)
    {
        _rules = rules;
        _columns = columns;
        _maxLengths = maxLengths;
    }

    public IReadOnlyList<string> Fields => _columns.Select(c => c.Name).ToList();

    public static FieldMapping? TryCreate(
        MappingRules rules, IReadOnlyDictionary<string, string?> mapping, IReadOnlyDictionary<string, int> maxLength,
        out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        var names = rules.Names;
        var sources = new List<KeyValuePair<string, string?>>();
        foreach (var (field, value) in rules.Defaults) sources.Add(new(field, value));
        foreach (var (key, value) in mapping)
        {
            var field = rules.Normalize(key);
            var index = sources.FindIndex(s => names.Equals(s.Key, field));
            if (index >= 0) sources[index] = new(sources[index].Key, value);
            else sources.Add(new(field, value));
        }

        foreach (var (key, length) in maxLength)
        {
            if (length <= 0) errors.Add($"{rules.Setting("MaxLength", key)} must be a positive number of characters.");
        }

        var lengths = new Dictionary<string, int>(names);
        foreach (var (key, length) in maxLength) lengths[rules.Normalize(key)] = length;
        var columns = new List<Column>();
        foreach (var (field, value) in sources)
        {
            var setting = rules.Setting("Mapping", field);
            if (!rules.FieldName.IsMatch(field))
            {
                errors.Add($"{setting}: '{field}' is not {rules.FieldNameRule}.");
                continue;
            }

            if (rules.Reserved.TryGetValue(field, out var reason))
            {
                errors.Add($"{setting}: {reason}");
                continue;
            }

            if (string.IsNullOrWhiteSpace(value)) continue;
            if (ParseSource(setting, value.Trim(), errors) is not { } source) continue;
            columns.Add(new Column(field, source, rules.MaxLengthOf(field, lengths)));
        }

        problems = errors;
        return errors.Count == 0 ? new FieldMapping(rules, columns, lengths) : null;
    }

    public JsonObject Map(LeadDelivery delivery)
    {
        var record = new JsonObject(new JsonNodeOptions { PropertyNameCaseInsensitive = !_rules.LowerCaseNames });
        foreach (var column in _columns)
        {
            var value = column.Source.ValueFor(delivery);
            if (value is null && column.Source is not Constant) continue;
            if (value is JsonValue text && text.TryGetValue(out string? s) && column.MaxLength is { } max && s.Length > max)
            {
                // A cut e-mail address is no address: such a field is left out instead.
                if (_rules.LeftOutWhenTooLong.Contains(column.Name)) continue;
                value = JsonValue.Create(column.Source.Cut(delivery, s, max));
            }

            // HubSpot takes every property value as text: a flag is "true", a number its digits.
            if (_rules.TextValuesOnly && value is JsonValue scalar && scalar.GetValueKind() is not JsonValueKind.String)
            {
                value = JsonValue.Create(scalar.ToJsonString());
            }

            record[column.Name] = value;
        }

        // Required by the CRM (or its forms): never leave them empty.
        foreach (var (field, fallback) in _rules.Required)
        {
            if (!IsBlank(record[field])) continue;
            var text = fallback(delivery.Lead);
            record[field] = _rules.MaxLengthOf(field, _maxLengths) is { } max ? ColumnCut.Text(text, max) : text;
        }

        return record;
    }

    /// <summary>The text values of a record: they are cut out of any server message before it is logged or stored.</summary>
    public static List<string> TextValues(JsonObject record) =>
        record.Select(p => p.Value is JsonValue v && v.TryGetValue(out string? s) ? s : null).OfType<string>().ToList();

    private static bool IsBlank(JsonNode? node) =>
        node is null || (node is JsonValue value && value.TryGetValue(out string? text) && string.IsNullOrWhiteSpace(text));

    private static Source? ParseSource(string setting, string value, List<string> errors)
    {
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
            : Fail($"{setting}: '{value}' is neither a field path (e.g. UserDetails.Email), a template (e.g. {{OfferTitle}} ({{ActionCode}})) nor " +
                "a constant (e.g. =8 or =Web).");

        Source? Fail(string problem)
        {
            errors.Add(problem);
            return null;
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    internal static partial Regex FieldPath();

    private sealed record Column(string Name, Source Source, int? MaxLength);

    private abstract record Source
    {
        public abstract JsonNode? ValueFor(LeadDelivery delivery);

        /// <summary>The value, too long for its field, cut to <paramref name="maxLength"/>: text on a character boundary.</summary>
        public virtual string Cut(LeadDelivery delivery, string text, int maxLength) => ColumnCut.Text(text, maxLength);
    }

    private sealed record Field(string Path) : Source
    {
        public override JsonNode? ValueFor(LeadDelivery delivery) => LeadFields.Value(delivery, Path);

        /// <summary>A path that names an object or an array gives its JSON; cut, it stays valid JSON.</summary>
        public override string Cut(LeadDelivery delivery, string text, int maxLength) =>
            delivery.Lead.Node(Path) is (JsonObject or JsonArray) and var node
                ? ColumnCut.Json(node, maxLength)
                : base.Cut(delivery, text, maxLength);
    }

    private sealed record Constant(JsonNode? Value) : Source
    {
        public override JsonNode? ValueFor(LeadDelivery delivery) => Value?.DeepClone();
    }

    /// <summary>Text with <c>{path}</c> placeholders; a placeholder the lead lacks is empty, and an all-blank result leaves the field out.</summary>
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
                    literal.Append(c); // {{ and }} are literal braces
                    i++;
                    continue;
                }

                if (c != '{' && c != '}')
                {
                    literal.Append(c);
                    continue;
                }

                var end = c == '{' ? value.IndexOf('}', i + 1) : -1;
                var path = end < 0 ? "" : value[(i + 1)..end].Trim();
                problem = c == '}' ? "has a '}' without its '{' (write }} for a literal brace)."
                    : end < 0 ? "has a '{' without its '}'."
                    : !FieldPath().IsMatch(path) ? $"has '{{{path}}}', which is not a field path (e.g. {{UserDetails.Email}})."
                    : "";
                if (problem.Length > 0) return false;
                if (literal.Length > 0) parts.Add((literal.ToString(), false));
                literal.Clear();
                parts.Add((path, true));
                i = end;
            }

            if (literal.Length > 0) parts.Add((literal.ToString(), false));
            return true;
        }
    }
}
