using LeadFunctions.Cli.Intake;

namespace LeadFunctions.Cli;

/// <summary><c>leadfunctions</c>: operate LeadFunctions from a terminal. The commands are listed in <see cref="LeadCli"/>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        LeadCli.InvokeAsync(args, new CliEnvironment(Console.Out, Console.Error)
        {
            HandlesTermination = true,
            // A key is asked for only where someone can see the question and type without the answer being shown.
            ReadSecret = Console.IsInputRedirected || Console.IsErrorRedirected ? null : EndpointKey.ReadFromTerminal,
        });
}
