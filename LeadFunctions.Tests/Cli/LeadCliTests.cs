namespace LeadFunctions.Tests.Cli;

/// <summary>The command line itself: help everywhere, usage errors as one line and exit code 2.</summary>
public sealed class LeadCliTests
{
    [Fact]
    public async Task Help_lists_every_command_with_its_description()
    {
        var run = await LeadCliRunner.RunAsync(["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("leadfunctions [command] [options]", run.Output, StringComparison.Ordinal);
        foreach (var command in new[] { "send-test-lead", "status", "poison", "import" }) Assert.Contains(command, run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("send-test-lead", "--url")]
    [InlineData("status", "--json")]
    [InlineData("poison list", "--json")]
    [InlineData("poison show", "--include-lead-data")]
    [InlineData("poison replay", "--include-unreadable")]
    [InlineData("import", "--concurrency")]
    public async Task Every_command_has_help_naming_its_options(string command, string option)
    {
        var run = await LeadCliRunner.RunAsync([.. command.Split(' '), "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"leadfunctions {command}", run.Output, StringComparison.Ordinal);
        Assert.Contains(option, run.Output, StringComparison.Ordinal);
        Assert.Contains("Description:", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("send-test-lead", "Option '--url' is required.")]
    [InlineData("send-test-lead --url not-a-url", "--url must be an absolute http(s) URL")]
    [InlineData("poison replay", "Give either a message id or --all.")]
    [InlineData("import --url http://127.0.0.1:1/api/leads missing.csv", "File does not exist")]
    [InlineData("status --bogus", "Unrecognized command or argument '--bogus'")]
    public async Task Usage_errors_are_one_line_and_a_hint_with_exit_code_2(string commandLine, string message)
    {
        var run = await LeadCliRunner.RunAsync(commandLine.Split(' '));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Contains("--help'.", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }
}
