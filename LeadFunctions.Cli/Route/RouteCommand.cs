using System.CommandLine;
using System.Text.Json;
using LeadFunctions.Cli.Import;
using LeadFunctions.Cli.Output;
using LeadFunctions.Cli.Storage;
using LeadFunctions.Destinations;
using LeadFunctions.Leads;
using LeadFunctions.Routing;
using LeadFunctions.Telemetry;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Cli.Route;

/// <summary><c>route</c>: where each lead of a file would go under the routes in this directory's settings; sends nothing.</summary>
internal static class RouteCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = new Argument<FileInfo>("file") { Description = "One lead as JSON, a JSON-lines file, or a CSV export (as for import)." };
        file.AcceptExistingOnly();
        var dryRun = new Option<bool>("--dry-run") { Description = "Say so in scripts: route never sends or stores anything." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("route", "Show which route and destinations each lead of a file would get under the settings here " +
            "(Routes__…, Destinations__Default; local.settings.json and the environment, as the app reads them). Sends nothing.")
        {
            file,
            dryRun,
            json,
        };
        command.SetGuardedAction(environment, async (parse, cancellationToken) =>
        {
            var configuration = CliConfiguration.Build(environment, new Dictionary<string, string?>());
            var routes = RoutesOptions.Read(configuration, DestinationExtensions.KnownNames);
            if (routes.Problems.Count > 0) throw new CommandException(ExitCodes.Usage, string.Join(Environment.NewLine, routes.Problems));
            var router = new LeadRouter(Options.Create(routes), Options.Create(new DestinationOptions
            {
                Default = configuration[$"{DestinationOptions.Section}:Default"] ?? new DestinationOptions().Default,
            }));

            var leads = (await ReadAsync(parse.GetRequiredValue(file).FullName, cancellationToken)).Select(row => Route(row, router)).ToList();
            if (parse.GetValue(json))
            {
                await environment.Output.WriteLineAsync(JsonSerializer.Serialize(leads, CliJson.Output.ListRoutedLead));
            }
            else
            {
                string[] header = ["LINE", "LEAD ID", "OFFER", "ACTION", "COUNTRY", "ROUTE", "DESTINATIONS"];
                await Text.WriteTableAsync(environment.Output, header, leads.Select(l => (IReadOnlyList<string>)
                [
                    $"{l.Line}", l.LeadId ?? "-", Text.Cut(l.Offer ?? "-", 30), Text.Cut(l.Action ?? "-", 16), Text.Cut(l.Country ?? "-", 16),
                    l.Route ?? "not a lead", l.Destinations is { } names ? string.Join(";", names) : Text.Cut(l.Problem, 60),
                ]));
                var routed = leads.Where(l => l.Route is not null).GroupBy(l => l.Route!).Select(g => $"{Text.Count(g.Count(), "lead")} by {g.Key}");
                var summary = string.Join(", ", routed.DefaultIfEmpty("none routed"));
                await environment.Output.WriteLineAsync($"{Text.Count(leads.Count, "lead")}: {summary}. Nothing was sent.");
            }

            return leads.Any(l => l.Problem is not null) ? ExitCodes.Failed : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The rows of the file: a whole-file JSON object is one lead; otherwise as <c>import</c> reads it.</summary>
    private static async Task<IReadOnlyList<LeadRow>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken);
        try
        {
            if (JsonNodeOf(text) is System.Text.Json.Nodes.JsonObject) return [new LeadRow(1, text, null)];
        }
        catch (JsonException)
        {
            // Not one JSON document: JSON lines or a CSV.
        }

        return (await LeadFile.ReadAsync(path, LeadFile.Auto, null, cancellationToken)).Rows;
    }

    private static System.Text.Json.Nodes.JsonNode? JsonNodeOf(string text) => System.Text.Json.Nodes.JsonNode.Parse(text);

    private static RoutedLead Route(LeadRow row, LeadRouter router)
    {
        if (row.Json is null) return new RoutedLead(row.Line, null, null, null, null, null, null, row.Problem);
        using var document = JsonDocument.Parse(row.Json);
        var read = LeadReader.Published.Read(document.RootElement);
        if (read.Lead is not { } lead)
        {
            var errors = string.Join("; ", read.Errors.Select(e => $"{e.Path}: {e.Message}"));
            return new RoutedLead(row.Line, null, null, null, null, null, null, LogText.Of(errors, LogText.ReasonLength));
        }

        var decision = router.Decide(lead);
        return new RoutedLead(row.Line, read.LeadId, LogText.Of(lead.OfferTitle ?? lead.Source.Offer), LogText.Of(lead.ActionDescription),
            LogText.Of(lead.Customer.Country), decision.Route, decision.Destinations, null);
    }
}
