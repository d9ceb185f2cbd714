namespace LeadFunctions.Hosting;

/// <summary>How this process is driven (docs/design.md, "Hosting modes"): as the host's isolated worker, or standalone.</summary>
public sealed record HostingMode
{
    /// <summary>What the Functions host always passes a worker (its gRPC endpoint).</summary>
    public const string FunctionsUriArgument = "--functions-uri";

    public static readonly HostingMode Standalone = new(isFunctions: false);

    public static readonly HostingMode Functions = new(isFunctions: true);

    private HostingMode(bool isFunctions) => IsFunctions = isFunctions;

    public bool IsFunctions { get; }

    /// <summary>From the command line, not a setting: local.settings.json, which standalone mode reads, holds the host's.</summary>
    public static HostingMode FromArguments(IEnumerable<string> args) =>
        args.Any(a => a == FunctionsUriArgument || a.StartsWith(FunctionsUriArgument + "=", StringComparison.Ordinal)) ? Functions : Standalone;

    public override string ToString() => IsFunctions ? "Functions (isolated worker)" : "standalone";
}
