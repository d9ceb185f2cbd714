namespace LeadFunctions.Hosting;

/// <summary>
/// How this process is driven (docs/design.md, "Hosting modes"): by the Functions host as its .NET isolated worker,
/// which checks function keys and triggers ProcessLead, or standalone, where this process does both itself.
/// </summary>
public sealed record HostingMode
{
    /// <summary>The argument the Functions host always passes when it starts a worker (the address of its gRPC endpoint).</summary>
    public const string FunctionsUriArgument = "--functions-uri";

    public static readonly HostingMode Standalone = new(isFunctions: false);

    public static readonly HostingMode Functions = new(isFunctions: true);

    private HostingMode(bool isFunctions) => IsFunctions = isFunctions;

    public bool IsFunctions { get; }

    /// <summary>
    /// The mode from the command line the process was started with: a setting would not do, since local.settings.json
    /// (which standalone mode also reads) holds the Functions host's own settings.
    /// </summary>
    public static HostingMode FromArguments(IEnumerable<string> args) =>
        args.Any(a => a == FunctionsUriArgument || a.StartsWith(FunctionsUriArgument + "=", StringComparison.Ordinal)) ? Functions : Standalone;

    public override string ToString() => IsFunctions ? "Functions (isolated worker)" : "standalone";
}
