using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;

namespace LeadFunctions.Cli.Import;

/// <summary>
/// Reads a file of leads: a CSV with a header row, or JSON lines posted verbatim (docs/operate.md, "What the file may be").
/// Nothing is guessed; problems name lines and fields, never values: every value is personal data.
/// </summary>
internal static class LeadFile
{
    public const string Csv = "csv";
    public const string JsonLines = "jsonl";
    public const string Auto = "auto";

    public static async Task<LeadFileContent> ReadAsync(string path, string format, Encoding? encoding, CancellationToken cancellationToken)
    {
        var utf8 = LeadFileEncoding.ToUtf8(await File.ReadAllBytesAsync(path, cancellationToken), encoding);
        var resolved = format == Auto ? Detect(path, utf8) : format;
        return resolved == Csv ? ReadCsv(utf8) : ReadJsonLines(utf8);
    }

    private static string Detect(string path, byte[] utf8) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".CSV" => Csv,
        ".JSONL" or ".NDJSON" or ".JSON" => JsonLines,
        _ => utf8.AsSpan().TrimStart(" \t\r\n"u8) is [(byte)'{', ..] ? JsonLines : Csv,
    };

    private static LeadFileContent ReadJsonLines(byte[] utf8)
    {
        var rows = new List<LeadRow>();
        using var reader = new StringReader(Encoding.UTF8.GetString(utf8));
        var number = 0L;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var json = line.Trim();
            rows.Add(JsonProblem(json) is { } problem ? new LeadRow(number, null, problem) : new LeadRow(number, json, null));
        }

        return new LeadFileContent(JsonLines, rows, [], []);
    }

    /// <summary>Not JSON (checked here: the endpoint's answer would quote the bad token), or a formula; the rest is the endpoint's.</summary>
    private static string? JsonProblem(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return SpreadsheetFormula.ProblemIn(document.RootElement, "");
        }
        catch (JsonException e)
        {
            return $"not valid JSON (byte {e.BytePositionInLine + 1} of the line).";
        }
    }

    private static LeadFileContent ReadCsv(byte[] utf8)
    {
        var malformed = new List<CsvMalformedRecord>();
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            TrackLineNumbers = true,
            SkipEmptyLines = true,
            IncludeValuesInExceptions = false,   // values are personal data
            // Row boundaries are a guess: reported by line and reason only (the raw text is lead data), never mended.
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            OnMalformedRecord = malformed.Add,
        };
        using var csv = CsvReader.Create(utf8, options);
        try
        {
            csv.ReadHeader();
            var (fields, columns, ignored) = Header(csv, malformed);
            var rows = new List<LeadRow>();
            while (csv.Read()) rows.Add(ToRow(csv, fields));

            rows.AddRange(malformed.Select(m => new LeadRow(m.LineNumber, null, Describe(m.Reason) + ".", CastsDoubt: true)));
            rows.Sort((a, b) => a.Line.CompareTo(b.Line));
            return new LeadFileContent(Csv, rows, columns, ignored);
        }
        catch (CsvFormatException e)
        {
            throw new CommandException(ExitCodes.Usage, $"line {e.LineNumber} cannot be read as CSV; nothing was imported.");
        }
    }

    /// <summary>Which column is which lead field, or a usage error for a file whose first line is not a header.</summary>
    private static (List<(int Index, string Field)> Fields, List<string> Columns, List<string> Ignored) Header(CsvReader csv,
        List<CsvMalformedRecord> malformed)
    {
        // The reader skips a malformed header and would take the next line, a lead, for it.
        if (malformed.Count > 0) throw NotAHeader($"line {malformed[0].LineNumber}, the header, has {Describe(malformed[0].Reason)}");
        if (csv.Headers.Count == 0) throw NotAHeader("the file is empty");
        // Names are printed below; an email address in the first line means it is a lead, never printed.
        if (csv.Headers.Any(h => h.Contains('@', StringComparison.Ordinal))) throw NotAHeader("its first line holds an email address, so it is a " +
            "lead, not a header");

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

        if (fields.Count == 0) throw NotAHeader($"none of its {csv.Headers.Count} columns is named as a lead field");

        // CustomerInfo first, so that a column of its own (First name, …) wins over the same field inside it.
        fields.Sort((a, b) => (b.Field == CsvLeadColumns.CustomerInfo).CompareTo(a.Field == CsvLeadColumns.CustomerInfo));
        return (fields, columns, ignored);
    }

    private static CommandException NotAHeader(string why) => new(ExitCodes.Usage,
        $"the CSV cannot be read: {why}. Its first line must be a header naming the columns, e.g. First name, Last name, Email, Company, Offer " +
            "(every accepted name is in docs/operate.md); nothing was imported.");

    private static string Describe(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.StrayQuote => "a quote inside a value that is not quoted (a value with quotes must be quoted, its quotes doubled)",
        CsvMalformedReason.TextAfterClosingQuote => "text after a closing quote (a quote is missing or not doubled)",
        CsvMalformedReason.UnterminatedQuote => "a quote that is never closed (the rest of the file would be one value)",
        CsvMalformedReason.FieldCountMismatch => "more or fewer fields than the header (a separator, quote or line break out of place)",
        _ => $"malformed CSV ({reason})",
    };

    private static LeadRow ToRow(CsvReader csv, List<(int Index, string Field)> fields)
    {
        var values = fields.Select(f => (f.Field, Value: csv.GetString(f.Index).Trim())).Where(v => v.Value.Length > 0).ToList();

        // First what casts doubt on the whole file, then what concerns this row alone.
        foreach (var (field, value) in values)
        {
            if (!CsvLeadColumns.MaySpanLines(field) && value.AsSpan().ContainsAny('\r', '\n'))
            {
                return new LeadRow(csv.LineNumber, null, $"a line break inside the {field} value (a quote is probably not closed where it should " +
                    "be).", CastsDoubt: true);
            }
        }

        var lead = new JsonObject();
        foreach (var (field, value) in values)
        {
            if (field == CsvLeadColumns.CustomerInfo)
            {
                if (!TryParseObject(value, out var details)) return new LeadRow(csv.LineNumber, null, "CustomerInfo is not a JSON object.");
                using var document = JsonDocument.Parse(value);
                if (SpreadsheetFormula.ProblemIn(document.RootElement, field) is { } formula) return new LeadRow(csv.LineNumber, null, formula);
                lead["UserDetails"] = details;
                continue;
            }

            if (SpreadsheetFormula.Trigger(value) is { } trigger) return new LeadRow(csv.LineNumber, null, SpreadsheetFormula.Problem(field,
                trigger));
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
