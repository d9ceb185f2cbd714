using System.Reflection;
using System.Text.RegularExpressions;
using LeadFunctions.Cli;

namespace LeadFunctions.Tests.Cli;

/// <summary>
/// The exit codes docs/operate.md documents, each with a test: the table agrees with <see cref="ExitCodes"/>, and
/// the codes no other test covers (unreachable storage for the poison commands, interrupted) are run here. The others
/// are in each command's tests: send-test-lead 0, 1, 2, 3 (SendTestLeadCommandTests, LeadCliTests); status 0, 2, 3
/// (StatusCommandTests); poison 0, 1, 2, 4 (PoisonCommandTests, PoisonCommandBadMessagesTests, LeadCliTests); import
/// 0, 1, 2 (a file, a missing or wrong key), 3 (ImportCommandTests, ImportRefusesToGuessTests).
/// </summary>
public sealed class ExitCodeTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public void The_exit_code_table_in_operate_md_lists_exactly_the_codes_the_commands_use()
    {
        var operate = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "operate.md"));
        var section = operate[operate.IndexOf("## Exit codes", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var documented = Regex.Matches(section, @"^\| (\d+) \|", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Order();
        var used = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetValue(null)!).Order();

        Assert.Equal(used, documented);
    }

    [Theory]
    [InlineData("poison list")]
    [InlineData("poison show 00000000-0000-0000-0000-000000000000")]
    [InlineData("poison replay --all")]
    public async Task Poison_commands_exit_3_when_storage_cannot_be_reached(string command)
    {
        using var closed = new ClosedPort();
        var port = closed.Number;

        var run = await LeadCliRunner.RunAsync([.. command.Split(' '), "--connection-string", Azurite.ConnectionStringFor(port, port, port), "--queue", "leads"]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.StartsWith("leadfunctions: storage could not be reached", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("poison list")]
    [InlineData("poison replay --all")]
    public async Task Storage_commands_exit_130_when_interrupted(string command)
    {
        using var interrupted = new CancellationTokenSource();
        await interrupted.CancelAsync();

        var run = await LeadCliRunner.RunAsync([.. command.Split(' '), .. LeadCliRunner.Storage(azurite, TestNames.Queue())], cancellationToken: interrupted.Token);

        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.Equal("leadfunctions: interrupted.", run.Error.TrimEnd());
    }

    [Fact]
    public async Task Import_exits_130_when_interrupted()
    {
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" });
        var file = Path.Combine(Directory.CreateTempSubdirectory("exit-codes-").FullName, "leads.jsonl");
        await File.WriteAllTextAsync(file, """{"UserDetails":{"LastName":"One"},"OfferTitle":"X"}""" + "\n");
        using var interrupted = new CancellationTokenSource();
        await interrupted.CancelAsync();

        var run = await LeadCliRunner.RunAsync(["import", file, "--url", new Uri(app.BaseAddress, TestApp.LeadsPath()).ToString()], cancellationToken: interrupted.Token);

        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
    }
}
