namespace LeadFunctions.Tests.Deployment;

/// <summary>
/// infra/ builds and lints clean with the pinned Bicep CLI (eng/bicep.sh): a template that would fail
/// <c>azd provision</c> on a typo, or that breaks a linter rule (hard-coded URLs, secrets in outputs, unused
/// parameters...), fails the normal <c>dotnet test</c> run instead.
/// </summary>
public sealed class BicepTests
{
    [Fact]
    public async Task Infra_builds_and_lints_without_errors_or_warnings()
    {
        var run = await Script.RunAsync("eng/bicep.sh", TimeSpan.FromMinutes(5));

        Assert.True(run.ExitCode == 0, $"eng/bicep.sh failed with exit code {run.ExitCode}:\n{run.Output}");
        Assert.Contains("infra builds and lints clean", run.Output, StringComparison.Ordinal);
    }
}
