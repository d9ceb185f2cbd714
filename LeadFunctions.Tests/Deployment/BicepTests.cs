using System.Text.Json;

namespace LeadFunctions.Tests.Deployment;

/// <summary>
/// infra/ builds and lints clean with the pinned Bicep CLI (eng/bicep.sh): a template that would fail
/// <c>azd provision</c> on a typo, or that breaks a linter rule (hard-coded URLs, secrets in outputs, unused
/// parameters...), fails the normal <c>dotnet test</c> run instead. The ARM template it builds is then checked for
/// what no linter rule covers: secrets kept out of deployment history, and a Key Vault whose secrets survive a delete.
/// </summary>
public sealed class BicepTests(BicepTests.Build build) : IClassFixture<BicepTests.Build>
{
    private static readonly string[] SecretWords = ["secret", "password", "token", "connectionstring", "settings"];

    [Fact]
    public void Infra_builds_and_lints_without_errors_or_warnings()
    {
        Assert.True(build.Run.ExitCode == 0, $"eng/bicep.sh failed with exit code {build.Run.ExitCode}:\n{build.Run.Output}");
        Assert.Contains("infra builds and lints clean", build.Run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_that_can_carry_secrets_are_secure_so_deployment_history_never_shows_their_values()
    {
        var parameters = build.Template.GetProperty("parameters");

        Assert.Equal("secureObject", parameters.GetProperty("extraAppSettings").GetProperty("type").GetString());
        // Anything named like a secret, or like a bag of settings where one may land, is secure too.
        var named = parameters.EnumerateObject().Where(p => SecretLike(p.Name)).ToList();
        Assert.All(named, p => Assert.True(p.Value.GetProperty("type").GetString() is "securestring" or "secureObject", $"parameter {p.Name} is not @secure()"));

        // The modules they are handed to keep them secure too, or the nested deployment's history would show them.
        var api = Module(build.Template, "api").GetProperty("parameters");
        Assert.Equal("secureObject", api.GetProperty("appSettings").GetProperty("type").GetString());
    }

    [Fact]
    public void Key_Vault_keeps_deleted_secrets_recoverable_with_purge_protection_and_grants_access_by_RBAC_only()
    {
        var vault = Resources(Module(build.Template, "keyvault")).Single(r => r.GetProperty("type").GetString() == "Microsoft.KeyVault/vaults").GetProperty("properties");

        Assert.True(vault.GetProperty("enablePurgeProtection").GetBoolean());
        Assert.True(vault.GetProperty("enableSoftDelete").GetBoolean());
        Assert.True(vault.GetProperty("softDeleteRetentionInDays").GetInt32() >= 7);
        Assert.True(vault.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.False(vault.TryGetProperty("accessPolicies", out _), "access policies would grant access beside the roles in rbac.bicep");
    }

    private static bool SecretLike(string name) => SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>The template of the module deployed as <paramref name="name"/>.</summary>
    private static JsonElement Module(JsonElement template, string name) =>
        Resources(template).Single(r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments" && r.GetProperty("name").GetString() == name)
            .GetProperty("properties").GetProperty("template");

    /// <summary>The resources of a template, whether listed (language version 1) or keyed by symbolic name (2.0).</summary>
    private static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        return resources.ValueKind == JsonValueKind.Array ? resources.EnumerateArray() : resources.EnumerateObject().Select(p => p.Value);
    }

    /// <summary>One run of eng/bicep.sh for the class, keeping the ARM template it builds from infra/main.bicep.</summary>
    public sealed class Build : IAsyncLifetime
    {
        private readonly DirectoryInfo _out = Directory.CreateTempSubdirectory("leadfunctions-arm-");

        public Script Run { get; private set; } = new(-1, "");

        public JsonElement Template { get; private set; }

        public async Task InitializeAsync()
        {
            Run = await Script.RunAsync("eng/bicep.sh", TimeSpan.FromMinutes(5), "--outdir", _out.FullName);
            var built = Path.Combine(_out.FullName, "main.json");
            if (!File.Exists(built)) return;   // the build test reports why
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(built));
            Template = document.RootElement.Clone();
        }

        public Task DisposeAsync()
        {
            _out.Delete(recursive: true);
            return Task.CompletedTask;
        }
    }
}
