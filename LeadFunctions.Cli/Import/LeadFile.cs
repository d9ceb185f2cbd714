using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;

namespace LeadFunctions.Cli.Import;

/// <summary>One lead from the file: its line number and the JSON to post, or why it cannot be posted.</summary>
internal sealed record LeadRow(long Line, string? Json, string? Problem);

/// <summary>The leads of a file, and for a CSV which columns were taken for which field and which were ignored.</summary>
internal sealed record LeadFileContent(string Format, IReadOnlyList<LeadRow> Rows, IReadOnlyList<string> Columns, IReadOnlyList<string> IgnoredColumns);

/// <summary>
/// Reads a file of leads: a CSV with a header row (columns by name, see <see cref="CsvLeadColumns"/>), or JSON lines
/// (one lead JSON object per line, posted verbatim, so a lead gets the same id as when Partner Center posted it).
/// </summary>
internal static class LeadFile
{
    public const string Csv = "csv";
    public const string JsonLines = "jsonl";
    public const string Auto = "auto";

    public static async Task<LeadFileContent> ReadAsync(string path, string format, CancellationToken cancellationToken)
    {
        var resolved = format == Auto ? await DetectAsync(path, cancellationToken) : format;
        return resolved == Csv ? await ReadCsvAsync(path, cancellationToken) : await ReadJsonLinesAsync(path, cancellationToken);
    }

    private static async Task<string> DetectAsync(string path, CancellationToken cancellationToken)
    {
        switch (Path.GetExtension(path).ToUpperInvariant())
        {
            case ".CSV": return Csv;
            case ".JSONL" or ".NDJSON" or ".JSON": return JsonLines;
        }

        using var reader = new StreamReader(path);
        var buffer = new char[256];
        var read = await reader.ReadAsync(buffer, cancellationToken);
        return new string(buffer, 0, read).TrimStart().StartsWith('{') ? JsonLines : Csv;
    }

    private static async Task<LeadFileContent> ReadJsonLinesAsync(string path, CancellationToken cancellationToken)
    {
        var rows = new List<LeadRow>();
        var number = 0L;
        await foreach (var line in File.ReadLinesAsync(path, cancellationToken))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var json = line.Trim();
            rows.Add(IsJson(json, out var problem) ? new LeadRow(number, json, null) : new LeadRow(number, null, problem));
        }

        return new LeadFileContent(JsonLines, rows, [], []);
    }

    /// <summary>
    /// Whether the line is JSON at all. Checked here rather than by the endpoint only because its answer quotes the
    /// token it could not read, which may be lead data; everything else is for the endpoint to judge.
    /// </summary>
    private static bool IsJson(string line, out string? problem)
    {
        try
        {
            using var _ = JsonDocument.Parse(line);
            problem = null;
            return true;
        }
        catch (JsonException e)
        {
            problem = $"not valid JSON (byte {e.BytePositionInLine + 1} of the line).";
            return false;
        }
    }

    private static async Task<LeadFileContent> ReadCsvAsync(string path, CancellationToken cancellationToken)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            IncludeValuesInExceptions = false,   // values are personal data
        };
        using var csv = CsvReader.FromFile(path, options);
        await csv.ReadHeaderAsync(cancellationToken);

        var fields = new List<(int Index, string Field)>();
        var columns = new List<string>();
        var ignored = new List<string>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < csv.Headers.Count; i++)
        {
            var header = csv.Headers[i].Trim();
            if (CsvLeadColumns.FieldFor(header) is { } field && taken.Add(field))
            {
                fields.Add((i, field));
                columns.Add($"{header} -> {field}");
            }
            else
            {
                ignored.Add(header);
            }
        }

        if (fields.Count == 0)
        {
            throw new CommandException(ExitCodes.Usage,
                $"none of the CSV's columns is a lead field (its header: {string.Join(", ", csv.Headers)}). Accepted names are listed in docs/operate.md, e.g. First name, Last name, Email, Company, Offer.");
        }

        // CustomerInfo first, so that a column of its own (First name, …) wins over the same field inside it.
        fields.Sort((a, b) => (b.Field == CsvLeadColumns.CustomerInfo).CompareTo(a.Field == CsvLeadColumns.CustomerInfo));
        var rows = new List<LeadRow>();
        while (await csv.ReadAsync(cancellationToken))
        {
            rows.Add(ToRow(csv, fields));
        }

        return new LeadFileContent(Csv, rows, columns, ignored);
    }

    private static LeadRow ToRow(CsvReader csv, List<(int Index, string Field)> fields)
    {
        var lead = new JsonObject();
        foreach (var (index, field) in fields)
        {
            var value = index < csv.FieldCount ? csv.GetString(index).Trim() : "";
            if (value.Length == 0) continue;
            if (field == CsvLeadColumns.CustomerInfo)
            {
                if (!TryParseObject(value, out var details)) return new LeadRow(csv.LineNumber, null, "CustomerInfo is not a JSON object.");
                lead["UserDetails"] = details;
                continue;
            }

            Set(lead, field, value);
        }

        return new LeadRow(csv.LineNumber, lead.ToJsonString(), null);
    }

    private static void Set(JsonObject lead, string path, string value)
    {
        var target = lead;
        var segments = path.Split('.');
        foreach (var segment in segments[..^1])
        {
            if (Find(target, segment) is not JsonObject child)
            {
                Remove(target, segment);
                child = new JsonObject();
                target[segment] = child;
            }

            target = child;
        }

        Remove(target, segments[^1]);   // names match case-insensitively: one property per field
        target[segments[^1]] = value;
    }

    private static JsonNode? Find(JsonObject obj, string name) =>
        obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static void Remove(JsonObject obj, string name)
    {
        foreach (var key in obj.Select(p => p.Key).Where(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)).ToList()) obj.Remove(key);
    }

    private static bool TryParseObject(string text, out JsonObject? value)
    {
        try
        {
            value = JsonNode.Parse(text) as JsonObject;
            return value is not null;
        }
        catch (JsonException)
        {
            value = null;
            return false;
        }
    }
}
