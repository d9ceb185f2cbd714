using System.Text;
using System.Web;

namespace LeadFunctions.Cli.Intake;

/// <summary>
/// The function key for the lead endpoint, which need not be on the command line (where shell history and process
/// lists keep it): <c>code=</c> in <c>--url</c>, as registered in Partner Center; else the <c>LEADFUNCTIONS_KEY</c>
/// environment variable; else typed on the terminal when asked, without echo. A key that is not in the URL is sent in
/// the <c>x-functions-key</c> header, which the Functions host accepts as it accepts <c>code=</c>.
/// </summary>
internal static class EndpointKey
{
    public const string Variable = "LEADFUNCTIONS_KEY";

    /// <summary>The key to send in the header, or null when the URL carries it; a usage error when there is none.</summary>
    public static string? Resolve(Uri endpoint, CliEnvironment environment, CancellationToken cancellationToken)
    {
        if (HttpUtility.ParseQueryString(endpoint.Query)["code"] is { Length: > 0 }) return null;
        if (environment.Setting(Variable)?.Trim() is { Length: > 0 } key) return key;
        if (environment.ReadSecret?.Invoke($"Key for {IntakeClient.Redact(endpoint)} (not shown as you type): ",
            cancellationToken)?.Trim() is { Length: > 0 } typed) return typed;
        throw new CommandException(ExitCodes.Usage, $"no key for the endpoint: put it in the {Variable} environment variable, or in --url as " +
            "?code=<key>, or run in a terminal to be asked for it; nothing was sent.");
    }

    /// <summary>Asks on standard error and reads a line from the terminal without echoing it; Ctrl+C cancels.</summary>
    public static string ReadFromTerminal(string prompt, CancellationToken cancellationToken)
    {
        Console.Error.Write(prompt);
        var key = new StringBuilder();
        while (true)
        {
            // Polled rather than blocking in ReadKey, so that Ctrl+C (which cancels the token) ends the wait at once.
            while (!Console.KeyAvailable)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(25);
            }

            var typed = Console.ReadKey(intercept: true);
            if (typed.Key == ConsoleKey.Enter) break;
            if (typed.Key == ConsoleKey.Backspace)
            {
                if (key.Length > 0) key.Length--;
            }
            else if (!char.IsControl(typed.KeyChar))
            {
                key.Append(typed.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return key.ToString();
    }
}
