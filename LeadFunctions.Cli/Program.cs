namespace LeadFunctions.Cli;

/// <summary><c>leadfunctions</c>: operate LeadFunctions from a terminal. The commands are listed in <see cref="LeadCli"/>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) =>
        LeadCli.InvokeAsync(args, new CliEnvironment(Console.Out, Console.Error) { HandlesTermination = true });
}
