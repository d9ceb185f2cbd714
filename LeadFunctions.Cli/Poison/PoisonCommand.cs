using System.CommandLine;
using System.Text.Json;
using LeadFunctions.Cli.Output;
using LeadFunctions.Cli.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Cli.Poison;

/// <summary><c>poison list|show|replay</c>: what could not be delivered, why, and putting it back on the lead queue.</summary>
internal static class PoisonCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var storage = new StorageArguments();
        var command = new Command("poison", "Leads that could not be delivered (the <queue>-poison queue): list them, show why, replay them. " +
            "Messages are named by their queue message id.")
        {
            List(storage, environment),
            Show(storage, environment),
            Replay(storage, environment),
        };
        storage.AddTo(command);
        return command;
    }

    private static Command List(StorageArguments storage, CliEnvironment environment)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("list", "List the poison messages, oldest first: message id, lead id, attempts, when the lead was received, and " +
            "the last error. No lead data.")
        {
            json,
        };
        command.SetGuardedAction(environment, async (parse, cancellationToken) =>
        {
            using var connection = storage.Connect(parse, environment);
            var poison = Open(connection, environment);
            var messages = await poison.ListAsync(cancellationToken);
            if (parse.GetValue(json))
            {
                await environment.Output.WriteLineAsync(JsonSerializer.Serialize(messages.Select(m => m.ToView(includeLeadData: false)).ToList(),
                    CliJson.Output.ListPoisonMessageView));
                return ExitCodes.Success;
            }

            await environment.Output.WriteLineAsync($"{Text.Count(messages.Count, "message")} in {poison.Name}");
            if (messages.Count == 0) return ExitCodes.Success;
            await Text.WriteTableAsync(environment.Output,
                ["MESSAGE ID", "LEAD ID", "ATTEMPTS", "RECEIVED", "KIND", "STATUS", "CODE", "MESSAGE"],
                messages.Select(m => m.ToView(includeLeadData: false)).Select(v => v.LeadId is { } leadId
                    ? (IReadOnlyList<string>)[v.MessageId, leadId, $"{v.Attempts}", Text.Time(v.ReceivedAt), v.LastError?.Kind ?? "-",
                        v.LastError?.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", Dash(v.LastError?.Code),
                            Text.Cut(v.LastError?.Message ?? "(no error recorded)", 70)]
                    : [v.MessageId, "-", "-", "-", "unreadable", "-", "-", Text.Cut(v.Unreadable, 70)]));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(StorageArguments storage, CliEnvironment environment)
    {
        var id = new Argument<string>("message-id") { Description = "The queue message id, as 'poison list' shows it." };
        var includeLeadData = new Option<bool>("--include-lead-data") { Description = "Also show the lead itself (names, email, phone, free text): " +
            "personal data, shown only when asked for." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of text." };
        var command = new Command("show", "Show one poison message: why it could not be delivered, its attempts and times. The lead's data only " +
            "with --include-lead-data.")
        {
            id,
            includeLeadData,
            json,
        };
        command.SetGuardedAction(environment, async (parse, cancellationToken) =>
        {
            using var connection = storage.Connect(parse, environment);
            var poison = Open(connection, environment);
            var messageId = parse.GetRequiredValue(id);
            var withData = parse.GetValue(includeLeadData);
            PoisonMessageView? view = null;
            await poison.WithMessageAsync(messageId, message =>
            {
                view = message.ToView(withData);
                return Task.FromResult(false);
            }, cancellationToken);
            if (view is null) throw NotFound(messageId, poison.Name);

            if (parse.GetValue(json)) await environment.Output.WriteLineAsync(JsonSerializer.Serialize(view, CliJson.Output.PoisonMessageView));
            else await WriteAsync(environment.Output, view, poison.Name, withData);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Replay(StorageArguments storage, CliEnvironment environment)
    {
        var id = new Argument<string?>("message-id") { Description = "The queue message id, as 'poison list' shows " +
            "it.", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Replay every message that is in the poison queue when the command starts. A message " +
            "that cannot be replayed is named with its reason and skipped; the others are replayed, and the command exits 4." };
        var asIs = new Option<bool>("--include-unreadable")
        {
            Description = "Also replay messages that are not lead envelopes this version reads (e.g. a newer envelope version), unchanged. Without " +
                "it they are reported and left in place.",
        };
        var reroute = new Option<bool>("--reroute")
        {
            Description = "Route each lead again under today's rules (Routes__…, Destinations__Default) when it is processed. " +
                "Without it, a lead goes back to the destinations recorded in its message when it was first routed.",
        };
        var command = new Command("replay", "Put poison messages back on the lead queue with their attempts reset, for a new round of delivery. " +
            "Each lead is still created once: the destination keys it by lead id.")
        {
            id,
            all,
            asIs,
            reroute,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(id) is not null) == result.GetValue(all)) result.AddError("Give either a message id or --all.");
        });
        command.SetGuardedAction(environment, async (parse, cancellationToken) =>
        {
            using var connection = storage.Connect(parse, environment);
            var poison = Open(connection, environment);
            var includeUnreadable = parse.GetValue(asIs);
            var routeAgain = parse.GetValue(reroute);
            var results = new List<ReplayResult>();
            var arrivedSince = 0;

            async Task ReportAsync(ReplayResult result)
            {
                results.Add(result);
                await environment.Output.WriteLineAsync(Describe(result, connection.Queue.Name, routeAgain));
            }

            if (parse.GetValue(id) is { } messageId)
            {
                var found = await poison.WithMessageAsync(messageId, async message =>
                {
                    var result = await poison.ReplayAsync(message, includeUnreadable, routeAgain, cancellationToken);
                    await ReportAsync(result);
                    return result.Outcome == ReplayOutcome.Replayed;
                }, cancellationToken);
                if (!found) throw NotFound(messageId, poison.Name);
            }
            else
            {
                arrivedSince = await poison.ReplayAllAsync(includeUnreadable, routeAgain, ReportAsync, cancellationToken);
            }

            var replayed = results.Count(r => r.Outcome is ReplayOutcome.Replayed or ReplayOutcome.ReplayedPoisonCopyKept);
            var notEnvelopes = results.Count(r => r.Outcome == ReplayOutcome.NotAnEnvelope);
            var skipped = results.Count(r => r.Outcome == ReplayOutcome.Skipped);
            var summary = $"Replayed {replayed} of {Text.Count(results.Count, "message")} to {connection.Queue.Name}";
            if (notEnvelopes > 0) summary += $"; {notEnvelopes} not replayed (not lead envelopes; add --include-unreadable to replay them as they " +
                "are)";
            if (skipped > 0) summary += $"; {skipped} skipped (could not be put back; see above)";
            if (arrivedSince > 0) summary += $"; {Text.Count(arrivedSince, "message")} arrived in {poison.Name} during the replay and " +
                $"{(arrivedSince == 1 ? "was" : "were")} left for the next one";
            await environment.Output.WriteLineAsync(summary + ".");
            if (replayed > 0)
            {
                await environment.Output.WriteLineAsync(routeAgain
                    ? "Each replayed lead is routed under today's rules when it is processed; " +
                      "without --reroute it would go to the destinations recorded in its message."
                    : "Each replayed lead goes to the destinations recorded in its message; --reroute routes it under today's rules instead.");
            }

            if (results.All(r => r.Outcome == ReplayOutcome.Replayed)) return ExitCodes.Success;
            return parse.GetValue(all) ? ExitCodes.SomeSkipped : ExitCodes.Failed;
        });
        return command;
    }

    private static PoisonQueue Open(StorageConnection connection, CliEnvironment environment) =>
        new(connection.Storage, connection.Queue, environment.Time);

    private static CommandException NotFound(string messageId, string queue) => new(ExitCodes.Failed,
        $"no message {LogText.Id(messageId)} in {queue}. It may have been replayed, or be held by another command for up to " +
            $"{PoisonQueue.Lease.TotalSeconds:0} s; see 'poison list'.");

    private static string Describe(ReplayResult result, string leadQueue, bool reroute)
    {
        var view = result.Message.ToView(includeLeadData: false);
        var what = view.LeadId is { } leadId ? $"lead {leadId}{Where(result.Message.Envelope, reroute)}" : "message (not a lead envelope)";
        var detail = LogText.Of(result.Detail, LogText.ReasonLength);
        return result.Outcome switch
        {
            ReplayOutcome.Replayed => $"Replayed {view.MessageId}: {what} is back on {leadQueue}.",
            ReplayOutcome.ReplayedPoisonCopyKept =>
                $"Replayed {view.MessageId}: {what} is back on {leadQueue}, but its poison copy could not be deleted ({detail}); replaying it " +
                    "again is harmless.",
            _ => $"Not replayed {view.MessageId}: {detail}",
        };
    }

    /// <summary>Where a replayed lead will go: its recorded destinations and route, or a new route under today's rules.</summary>
    private static string Where(Leads.LeadEnvelope? envelope, bool reroute) => envelope switch
    {
        null => "",
        _ when reroute => " (to be routed under today's rules)",
        { Destinations: { } names } =>
            $" (for {LogText.Of(string.Join(";", names), LogText.ReasonLength)}{(envelope.Route is { } route ? $", route {LogText.Of(route)}" : "")})",
        _ => " (to be routed when processed: no destinations recorded)",
    };

    private static async Task WriteAsync(TextWriter output, PoisonMessageView view, string queue, bool withData)
    {
        await output.WriteLineAsync($"Message      {view.MessageId} in {queue}");
        await output.WriteLineAsync($"Poisoned at  {Text.Time(view.PoisonedAt)}");
        if (view.Unreadable is not null)
        {
            await output.WriteLineAsync($"Not a lead envelope: {view.Unreadable}");
            await output.WriteLineAsync(withData ? $"Message text:{Environment.NewLine}{view.MessageText}" : "Message text hidden (it may hold " +
                "lead data); add --include-lead-data to show it.");
            return;
        }

        await output.WriteLineAsync($"Lead id      {view.LeadId}");
        await output.WriteLineAsync($"Received at  {Text.Time(view.ReceivedAt)}");
        if (view.ReplayedAt is not null) await output.WriteLineAsync($"Replayed at  {Text.Time(view.ReplayedAt)}");
        await output.WriteLineAsync($"Attempts     {view.Attempts}");
        await output.WriteLineAsync(view.Destinations is { } names
            ? $"Destinations {string.Join(";", names)}" +
              (view.Route is { } route ? $" (route {route}); a replay goes there, or under today's rules with --reroute" : "")
            : "Destinations routed when processed (none recorded)");
        if (view.LastError is { } error)
        {
            await output.WriteLineAsync($"Last error   {error.Kind ?? "-"} at {Text.Time(error.At)}");
            await output.WriteLineAsync($"  destination  {error.Destination}");
            await output.WriteLineAsync($"  status       {error.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
            await output.WriteLineAsync($"  code         {Dash(error.Code)}");
            await output.WriteLineAsync($"  message      {error.Message}");
        }
        else
        {
            await output.WriteLineAsync("Last error   none recorded (moved by the queue trigger after its maximum dequeue count, e.g. after " +
                "repeated crashes)");
        }

        await output.WriteLineAsync(view.Lead is { } lead
            ? $"Lead:{Environment.NewLine}{Text.Json(lead)}"
            : "Lead data    hidden; add --include-lead-data to show it.");
    }

    private static string Dash(string? text) => string.IsNullOrEmpty(text) ? "-" : text;
}
