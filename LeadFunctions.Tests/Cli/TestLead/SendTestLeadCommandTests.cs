using System.Text.RegularExpressions;
using Azure.Data.Tables;

namespace LeadFunctions.Tests.Cli.TestLead;

/// <summary><c>send-test-lead</c> against the real app: what Partner Center's "Validate" button would see.</summary>
public sealed partial class SendTestLeadCommandTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task Test_lead_is_accepted_its_lead_id_printed_and_it_is_delivered_as_a_test_lead()
    {
        await using var app = await TestApp.StartAsync(azurite);

        var run = await LeadCliRunner.RunAsync(["send-test-lead", "--url", Endpoint(app, TestApp.Key)]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("-> 202 Accepted", run.Output, StringComparison.Ordinal);
        var leadId = LeadIdLine().Match(run.Output).Groups[1].Value;
        Assert.Matches("^[0-9a-f]{32}$", leadId);
        Assert.Matches(@"Test lead  MSFT_TEST_\d+", run.Output);
        Assert.DoesNotContain(TestApp.Key, run.All, StringComparison.Ordinal);

        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1), "the test lead was not delivered");
        var row = (await app.Table.GetEntityAsync<TableEntity>(leadId[..2], leadId)).Value;
        Assert.True(row.GetBoolean("IsTestLead"));
        Assert.Equal("INS", row.GetString("ActionCode"));
    }

    [Fact]
    public async Task Wrong_key_is_reported_as_401_with_a_non_zero_exit_code_and_the_key_is_not_printed()
    {
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" });

        var run = await LeadCliRunner.RunAsync(["send-test-lead", "--url", Endpoint(app, "not-the-key-4711")]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("-> 401 Unauthorized", run.Output, StringComparison.Ordinal);
        Assert.Contains("did not accept the key", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-key-4711", run.All, StringComparison.Ordinal);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
    }

    [Fact]
    public async Task Endpoint_that_does_not_answer_is_one_line_on_stderr_and_exit_code_3()
    {
        using var closed = new ClosedPort();
        var run = await LeadCliRunner.RunAsync(["send-test-lead", "--url", $"http://127.0.0.1:{closed.Number}/api/leads?code=k"]);

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("leadfunctions: could not reach the endpoint", run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
    }

    private static string Endpoint(TestApp app, string key) => new Uri(app.BaseAddress, TestApp.LeadsPath(key)).ToString();

    [GeneratedRegex(@"Lead id\s+([0-9a-f]+)")]
    private static partial Regex LeadIdLine();
}
