using System.Text.Json;
using Azure.Data.Tables;
using LeadFunctions.Cli.Import;

namespace LeadFunctions.Tests.Cli.Import;

/// <summary><c>import</c> through the real intake endpoint: same validation, same lead ids, nothing created twice.</summary>
public sealed class ImportCommandTests(Azurite azurite) : IClassFixture<Azurite>, IDisposable
{
    private readonly ImportFiles _files = new();

    // Header in another order and case than the documented one, a column that is not part of a lead, a quoted comma,
    // and on line 4 a row without any lead content.
    private const string Csv = """"
        EMAIL,Lead ID,company NAME,first name,LAST_NAME,Country/Region,Offer,lead source,Action,Description
        ana@fabrikam.example,1001,Fabrikam,Ana,Silva,PT,Contoso Analytics,SPZA-PLT|contoso.analytics,PLT,Wants a demo
        li@northwind.example,1002,Northwind,Li,Wei,SG,Contoso Analytics,AzureMarketplace,INS,
        ,1003,,,,,,,,
        sam@adventure-works.example,1004,"Adventure Works, Inc.",Sam,Lee,US,Contoso Analytics,AzurePortal,Create,"Create, then ""call me"""
        """";

    [Fact]
    public async Task Csv_columns_are_taken_by_name_in_any_order_and_case_and_a_bad_row_is_reported_by_line()
    {
        await using var app = await TestApp.StartAsync(azurite);

        var run = await ImportFiles.ImportAsync(app, _files.Write("leads.csv", Csv), "--progress-every", "2");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Importing 4 leads from leads.csv (csv)", run.Output, StringComparison.Ordinal);
        Assert.Contains("ignored: Lead ID", run.Output, StringComparison.Ordinal);
        Assert.Contains("  2/4: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("Done: 4 leads: 3 imported, 0 duplicate, 1 rejected, 0 failed.", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 4: rejected: 400 Bad Request: Not a lead: $: No lead content", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fabrikam", run.All, StringComparison.OrdinalIgnoreCase);

        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 3), "the imported leads were not delivered");
        var rows = await app.Table.QueryAsync<TableEntity>().ToListAsync();
        var adventure = rows.Single(r => r.GetString("ActionCode") == "Create");
        using var customer = JsonDocument.Parse(adventure.GetString("CustomerInfo"));
        Assert.Equal("sam@adventure-works.example", customer.RootElement.GetProperty("Email").GetString());
        Assert.Equal("Adventure Works, Inc.", customer.RootElement.GetProperty("Company").GetString());
        Assert.Equal("Lee", customer.RootElement.GetProperty("LastName").GetString());
        Assert.Equal("Create, then \"call me\"", adventure.GetString("Description"));
        Assert.Equal("Contoso Analytics", adventure.GetString("OfferDisplayName"));
    }

    [Fact]
    public async Task Json_lines_are_posted_verbatim_so_a_lead_gets_the_id_it_got_from_Partner_Center()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var documented = JsonSerializer.Serialize(JsonDocument.Parse(RepoPaths.Sample("documented-sample-lead.json")).RootElement);
        var file = _files.Write("leads.jsonl", $"{documented}\n\n{RepoPaths.Sample("test-lead-lowercase.json").ReplaceLineEndings("")}\nsecret-marker, not json\n");
        var direct = await (await app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"))).JsonAsync();

        var run = await ImportFiles.ImportAsync(app, file, "--json");

        Assert.Equal(1, run.ExitCode);
        var report = run.Json();
        Assert.Equal("jsonl", report.GetProperty("format").GetString());
        var results = report.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([1L, 3L, 4L], results.Select(r => r.GetProperty("line").GetInt64()));
        Assert.Equal(["duplicate", "imported", "refused"], results.Select(r => r.GetProperty("outcome").GetString()));   // the endpoint had it already
        Assert.Equal(direct.GetProperty("leadId").GetString(), results[0].GetProperty("leadId").GetString());
        Assert.Equal("not valid JSON (byte 1 of the line).", results[2].GetProperty("reason").GetString());
        Assert.DoesNotContain("secret-marker", run.All, StringComparison.Ordinal);
        Assert.Contains("Importing 3 leads", run.Error, StringComparison.Ordinal);
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 2));
    }

    [Fact]
    public async Task Importing_the_same_file_twice_gives_the_same_lead_ids_and_creates_nothing_twice()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var file = _files.Write("leads.csv", Csv);

        var first = await ImportFiles.ImportAsync(app, file, "--json");
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0 && await app.CountRowsAsync() == 3));
        var second = await ImportFiles.ImportAsync(app, file, "--json");
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0));

        Assert.Equal(LeadIds(first), LeadIds(second));
        Assert.Equal(3, LeadIds(first).Count(id => id is not null));
        Assert.Equal(3, first.Json().GetProperty("imported").GetInt32());
        Assert.Equal((0, 3, 1), (second.Json().GetProperty("imported").GetInt32(), second.Json().GetProperty("duplicates").GetInt32(), second.Json().GetProperty("rejected").GetInt32()));
        Assert.Equal(3, await app.CountRowsAsync());
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
    }

    [Fact]
    public async Task Import_retries_while_the_endpoint_answers_503_and_honours_Retry_After()
    {
        var storage = await Azurite.StartOwnAsync();
        try
        {
            await using var app = await TestApp.StartAsync(null, new Dictionary<string, string?>
            {
                ["Standalone:ProcessQueue"] = "false",
                ["Intake:RetryAfterSeconds"] = "1",
            }, connectionString: storage.ConnectionString);
            var file = _files.Write("leads.csv", Csv);

            storage.Stop(graceful: true);
            var importing = ImportFiles.ImportAsync(app, file, "--max-attempts", "30", "--concurrency", "2");
            await Task.Delay(TimeSpan.FromSeconds(3)); // real time: an outage longer than the storage client's quick retries (about 1.5 s)
            await storage.RestartAsync();
            var run = await importing;

            Assert.True(run.ExitCode == 1, run.ToString());   // the row without lead content is still rejected
            Assert.Contains("3 imported, 0 duplicate, 1 rejected, 0 failed (", run.Output, StringComparison.Ordinal);
            Assert.Matches(@"\(\d+ retr(y|ies)\)", run.Output);
            Assert.Equal(3, await TestApp.CountMessagesAsync(storage.Queue(app.QueueName)));
        }
        finally
        {
            await storage.DisposeAsync();
        }
    }

    [Fact]
    public async Task Wrong_key_stops_the_import_with_exit_code_2_and_says_how_many_leads_were_not_sent()
    {
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" });
        var url = new Uri(app.BaseAddress, TestApp.LeadsPath("wrong-key")).ToString();

        var run = await LeadCliRunner.RunAsync(["import", _files.Write("leads.csv", Csv), "--url", url, "--concurrency", "1"]);

        Assert.Equal(2, run.ExitCode);   // docs/operate.md and --help: a wrong key is a usage error
        Assert.Contains("line 2: failed: 401 Unauthorized", run.Output, StringComparison.Ordinal);
        Assert.Contains("Stopped early, 3 leads not sent", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key", run.All, StringComparison.Ordinal);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
    }

    [Fact]
    public async Task Dry_run_shows_the_column_mapping_and_sends_nothing()
    {
        using var closed = new ClosedPort();
        var run = await LeadCliRunner.RunAsync(["import", _files.Write("leads.csv", Csv), "--url", $"http://127.0.0.1:{closed.Number}/api/leads?code=k", "--dry-run"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Read 4 leads from leads.csv (csv)", run.Output, StringComparison.Ordinal);
        Assert.Contains("EMAIL -> UserDetails.Email", run.Output, StringComparison.Ordinal);
        Assert.Contains("LAST_NAME -> UserDetails.LastName", run.Output, StringComparison.Ordinal);
        Assert.Contains("ignored: Lead ID", run.Output, StringComparison.Ordinal);
        Assert.Contains("Dry run: nothing sent; 4 of 4 leads would be posted.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_without_any_lead_column_is_a_usage_error()
    {
        var run = await LeadCliRunner.RunAsync(["import", _files.Write("other.csv", "Invoice,Amount\n1,2\n"), "--url", "http://127.0.0.1:1/api/leads?code=k"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("none of its 2 columns is named as a lead field", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("First name", "UserDetails.FirstName")]
    [InlineData("FIRST_NAME", "UserDetails.FirstName")]
    [InlineData("firstName", "UserDetails.FirstName")]
    [InlineData("UserDetails.Email", "UserDetails.Email")]
    [InlineData("E-mail", "UserDetails.Email")]
    [InlineData(" Country / Region ", "UserDetails.Country")]
    [InlineData("Job title", "UserDetails.Title")]
    [InlineData("Offer display name", "OfferTitle")]
    [InlineData("OfferDisplayName", "OfferTitle")]
    [InlineData("action code", "ActionCode")]
    [InlineData("customerinfo", "CustomerInfo")]
    [InlineData("Lead ID", null)]
    public void Header_names_match_ignoring_case_spaces_and_punctuation(string header, string? field) =>
        Assert.Equal(field, CsvLeadColumns.FieldFor(header));

    [Fact]
    public async Task CustomerInfo_json_column_of_a_MarketplaceLeads_table_export_becomes_the_user_details()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var csv = "PartitionKey,RowKey,CustomerInfo,LeadSource,ActionCode,OfferDisplayName,Description\n" +
                  "a,b,\"{\"\"FirstName\"\":\"\"Jo\"\",\"\"LastName\"\":\"\"Park\"\",\"\"Email\"\":\"\"jo@contoso.example\"\"}\",AzureMarketplace,INS,Contoso Analytics,From the table\n" +
                  "c,d,not json,AzureMarketplace,INS,Contoso Analytics,Broken\n";

        var run = await ImportFiles.ImportAsync(app, _files.Write("table.csv", csv));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("1 imported, 0 duplicate, 0 rejected, 0 failed, 1 refused", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 3: refused: CustomerInfo is not a JSON object.", run.Output, StringComparison.Ordinal);
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1));
        var row = Assert.Single(await app.Table.QueryAsync<TableEntity>().ToListAsync());
        Assert.Contains("jo@contoso.example", row.GetString("CustomerInfo"), StringComparison.Ordinal);
    }

    public void Dispose() => _files.Dispose();

    private static List<string?> LeadIds(CliRun run) =>
        run.Json().GetProperty("results").EnumerateArray().Select(r => r.TryGetProperty("leadId", out var id) ? id.GetString() : null).ToList();
}
