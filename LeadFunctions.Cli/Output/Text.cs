using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LeadFunctions.Cli.Output;

/// <summary>How the CLI writes counts, durations and times for people: short, UTC, invariant.</summary>
internal static class Text
{
    public static string Count(long count, string noun, string? plural = null) =>
        count == 1 ? $"1 {noun}" : $"{count.ToString(CultureInfo.InvariantCulture)} {plural ?? noun + "s"}";

    public static string Duration(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 60 } => $"{(int)duration.TotalSeconds}s",
        { TotalMinutes: < 60 } => $"{duration.Minutes}m {duration.Seconds:00}s",
        { TotalHours: < 48 } => $"{(int)duration.TotalHours}h {duration.Minutes:00}m",
        _ => $"{(int)duration.TotalDays}d {duration.Hours}h",
    };

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";

    /// <summary>At most <paramref name="length"/> characters on one line, with an ellipsis when cut.</summary>
    public static string Cut(string? text, int length)
    {
        var line = (text ?? "").ReplaceLineEndings(" ");
        return line.Length <= length ? line : string.Concat(line.AsSpan(0, length - 1), "…");
    }

    /// <summary>JSON indented for reading, with characters such as + and é as they are.</summary>
    public static string Json(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Rows as aligned columns with a header line.</summary>
    public static async Task WriteTableAsync(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, i) => i == row.Count - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }
    }
}
