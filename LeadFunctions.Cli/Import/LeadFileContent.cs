using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;

namespace LeadFunctions.Cli.Import;

/// <summary>The leads of a file, and for a CSV which columns were taken for which field and which were ignored.</summary>
internal sealed record LeadFileContent(string Format, IReadOnlyList<LeadRow> Rows, IReadOnlyList<string> Columns,
    IReadOnlyList<string> IgnoredColumns)
{
    /// <summary>Whether every row could be told from its neighbours; when not, nothing of the file is sent.</summary>
    public bool IsCertain => Rows.All(r => !r.CastsDoubt);
}
