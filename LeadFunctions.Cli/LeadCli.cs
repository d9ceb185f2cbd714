using LeadFunctions.Cli.Route;
using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using LeadFunctions.Cli.Import;
using LeadFunctions.Cli.Poison;
using LeadFunctions.Cli.Status;
using LeadFunctions.Cli.TestLead;

namespace LeadFunctions.Cli;

/// <summary>The command tree, and how one run of it ends: an exit code and, on failure, one line on standard error.</summary>
internal static class LeadCli
{
    /// <summary>The command's name, in help and messages, whatever the executable is called (dotnet run, a tool, a test host).</summary>
    public const string Name = "leadfunctions";

    public static Command Build(CliEnvironment environment) => new(Name, "Operate LeadFunctions: send a test lead, see the queues, inspect and " +
        "replay the poison queue, backfill leads.")
    {
        new HelpOption(),
        new VersionOption(),
        SendTestLeadCommand.Create(environment),   // TestLead/: what Partner Center's "Validate" button does
        StatusCommand.Create(environment),         // Status/: queue depths, oldest message, deliveries in the last hour
        PoisonCommand.Create(environment),         // Poison/: list, show, replay what could not be delivered
        ImportCommand.Create(environment),         // Import/: backfill from a CSV export or a JSON-lines file
        RouteCommand.Create(environment),          // Route/: where each lead of a file would go (a dry run)
    };

    public static async Task<int> InvokeAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var parse = Build(environment).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line per problem and where to read more, instead of the whole help text.
            var names = new List<string>();
            for (SymbolResult? result = parse.CommandResult; result is CommandResult command; result = result.Parent)
                names.Insert(0, command.Command.Name);
            foreach (var error in parse.Errors) await environment.Error.WriteLineAsync($"{Name}: {error.Message}");
            await environment.Error.WriteLineAsync($"See '{string.Join(' ', names)} --help'.");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = environment.Output,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl+C cancels the command, which then releases any poison messages it holds: give it time to.
            ProcessTerminationTimeout = environment.HandlesTermination ? TimeSpan.FromSeconds(15) : null,
        };
        return await parse.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>Runs a command's action; whatever it throws becomes one line on standard error and an exit code, never a stack trace.</summary>
    public static void SetGuardedAction(this Command command, CliEnvironment environment, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await environment.Error.WriteLineAsync($"{Name}: interrupted.");
                return ExitCodes.Interrupted;
            }
            catch (Exception e)
            {
                var (exitCode, message) = CliErrors.Describe(e);
                await environment.Error.WriteLineAsync($"{Name}: {message}");
                return exitCode;
            }
        });
}
