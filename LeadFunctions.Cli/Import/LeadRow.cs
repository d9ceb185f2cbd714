using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;

namespace LeadFunctions.Cli.Import;

/// <summary>One row of the file: its line number and the JSON to post, or why it is refused.</summary>
/// <param name="CastsDoubt">The file's structure is broken here, so row boundaries are a guess and no row is sent.</param>
internal sealed record LeadRow(long Line, string? Json, string? Problem, bool CastsDoubt = false);
