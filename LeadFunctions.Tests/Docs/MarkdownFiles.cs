using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LeadFunctions.Tests.Docs;

/// <summary>The repository's Markdown: its files, their links, and the anchors GitHub gives their headings.</summary>
public static partial class MarkdownFiles
{
    /// <summary>Every Markdown file of the repository, relative to its root (build output and packages left out).</summary>
    public static IReadOnlyList<string> All { get; } = Directory.EnumerateFiles(RepoPaths.Root, "*.md", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/'))
        .Where(f => !f.Split('/').Any(part => part is "bin" or "obj" or "node_modules" or "artifacts" or ".git" or "TestResults" or "BenchmarkDotNet.Artifacts"))
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>The lines of a file outside fenced code blocks, with inline code blanked out.</summary>
    public static IEnumerable<(int Line, string Text)> Prose(string file)
    {
        var inFence = false;
        var number = 0;
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.Root, file)))
        {
            number++;
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (!inFence) yield return (number, InlineCode().Replace(line, "``"));
        }
    }

    /// <summary>Each link target (<c>[text](target)</c>) with its line.</summary>
    public static IEnumerable<(int Line, string Target)> Links(string file) =>
        Prose(file).SelectMany(l => Link().Matches(l.Text).Select(m => (l.Line, m.Groups["target"].Value)));

    /// <summary>The anchors of a file's headings as GitHub makes them: lower case, punctuation dropped, spaces to hyphens, repeats numbered.</summary>
    public static IReadOnlySet<string> Anchors(string file)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, text) in Prose(file))
        {
            if (Heading().Match(text) is not { Success: true } heading) continue;
            var anchor = Slug(heading.Groups["title"].Value);
            var count = seen.GetValueOrDefault(anchor);
            seen[anchor] = count + 1;
            anchors.Add(count == 0 ? anchor : $"{anchor}-{count}");
        }

        return anchors;
    }

    public static string Slug(string title)
    {
        var text = new StringBuilder();
        foreach (var c in title.Trim().ToLowerInvariant())
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (c == ' ') text.Append('-');
            else if (c is '-' or '_' || char.IsLetterOrDigit(c) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark) text.Append(c);
        }

        return text.ToString();
    }

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6}\s+(?<title>.+?)\s*#*\s*$")]
    private static partial Regex Heading();
}
