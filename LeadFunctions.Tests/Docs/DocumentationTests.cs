using System.Text.RegularExpressions;

namespace LeadFunctions.Tests.Docs;

/// <summary>
/// The documentation stays true: every relative link and anchor in the Markdown resolves, and every page (and
/// section) that code and scripts cite exists. A renamed heading or a moved page fails here, not in a reader's hands.
/// </summary>
public sealed partial class DocumentationTests
{
    public static TheoryData<string> Files => [.. MarkdownFiles.All];

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_relative_link_and_anchor_resolves(string file)
    {
        var broken = new List<string>();
        foreach (var (line, target) in MarkdownFiles.Links(file))
        {
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            var (path, anchor) = target.Split('#', 2) is [var p, var a] ? (p, a) : (target, null);
            var resolved = path.Length == 0 ? file : Path.GetRelativePath(RepoPaths.Root, Path.GetFullPath(Path.Combine(RepoPaths.Root, Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)))).Replace('\\', '/');
            var full = Path.Combine(RepoPaths.Root, resolved);
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                broken.Add($"{file}:{line}: {target} (no {resolved})");
            }
            else if (anchor is not null && (!resolved.EndsWith(".md", StringComparison.Ordinal) || !MarkdownFiles.Anchors(resolved).Contains(Uri.UnescapeDataString(anchor))))
            {
                broken.Add($"{file}:{line}: {target} (no heading #{anchor} in {resolved})");
            }
        }

        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [Fact]
    public void The_markdown_of_the_repository_is_found()
    {
        Assert.Contains("README.md", MarkdownFiles.All);
        Assert.Contains("docs/design.md", MarkdownFiles.All);
        Assert.Contains("docs/ko/README.md", MarkdownFiles.All);
        Assert.Equal("d3-what-was-given-up-the-native-aot-handler", MarkdownFiles.Slug("D3. What was given up: the Native AOT handler"));
    }

    [Fact]
    public void Every_doc_page_and_section_that_code_and_scripts_cite_exists()
    {
        var cited = new List<string>();
        var broken = new List<string>();
        foreach (var file in SourceFiles())
        {
            var text = File.ReadAllText(file);
            foreach (Match citation in Citation().Matches(text))
            {
                var page = citation.Groups["page"].Value;
                var where = $"{Path.GetRelativePath(RepoPaths.Root, file)}: {citation.Value}";
                cited.Add(page);
                if (!File.Exists(Path.Combine(RepoPaths.Root, page)))
                {
                    broken.Add($"{where} (no such file)");
                    continue;
                }

                if (!page.EndsWith(".md", StringComparison.Ordinal)) continue;
                var anchors = MarkdownFiles.Anchors(page);
                foreach (var section in new[] { citation.Groups["section"].Value, citation.Groups["anchor"].Value }.Where(s => s.Length > 0))
                {
                    var anchor = section.StartsWith('#') ? section[1..] : MarkdownFiles.Slug(section);
                    if (!anchors.Contains(anchor)) broken.Add($"{where} (no section {section} in {page})");
                }
            }
        }

        Assert.True(broken.Count == 0, string.Join("\n", broken));
        Assert.Contains("docs/design.md", cited); // the scan finds citations at all
    }

    /// <summary>Code, scripts and infra: what cites the docs (build output, packages and the docs themselves left out).</summary>
    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(RepoPaths.Root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".cs" or ".sh" or ".bicep" or ".yaml" or ".proj" or ".csproj" or ".props" or ".json" || Path.GetFileName(f) == "run")
            .Where(f => !Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/').Split('/')
                .Any(part => part is "bin" or "obj" or "node_modules" or "artifacts" or ".git" or "docs" or "TestResults"))
            .Where(f => Path.GetFileName(f) != "package-lock.json");

    /// <summary>
    /// A repository path under docs/ (not part of a URL), optionally with an anchor or a quoted section:
    /// <c>docs/design.md</c>, <c>docs/design.md#exactly-once</c>, <c>docs/design.md, "Exactly once"</c>, <c>docs/dataverse.md ("The mapping")</c>.
    /// </summary>
    [GeneratedRegex(@"(?<![\w/.-])(?<page>docs/[\w./-]+\.(md|csv|jsonl))(#(?<anchor>[\w-]+)|,? \(?""(?<section>[^""]+)""\)?)?")]
    private static partial Regex Citation();
}
