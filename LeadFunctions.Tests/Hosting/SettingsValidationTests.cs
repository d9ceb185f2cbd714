using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Tests.Hosting;

/// <summary>
/// A wrong setting the process cannot run without stops it at start, with a message naming the setting (not at the
/// first lead, and not with a stack trace only a developer could read). A wrong CRM setting is checked the same way,
/// by its options class's data annotations, but reported instead: intake goes on (docs/settings.md).
/// </summary>
public sealed class SettingsValidationTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Theory]
    [InlineData("Intake:MaxBodyBytes", "0", "Intake__MaxBodyBytes")]
    [InlineData("Intake:RetryAfterSeconds", "-1", "Intake__RetryAfterSeconds")]
    [InlineData("Intake:Keys", "", "Intake__Keys")]
    [InlineData("Delivery:MaxAge", "00:00:00", "Delivery__MaxAge")]
    [InlineData("Delivery:MaxRetryDelay", "00:00:10", "Delivery__MaxRetryDelay")] // below the first delay, one minute
    [InlineData("LeadQueueName", "ab", "LeadQueueName")]
    [InlineData("AzureFunctionsJobHost:extensions:queues:batchSize", "64", "batchSize")]
    [InlineData("AzureFunctionsJobHost:extensions:queues:messageEncoding", "utf8", "messageEncoding")]
    [InlineData("Standalone:MinPollingInterval", "00:00:00", "Standalone__MinPollingInterval")]
    [InlineData("Standalone:GaugeInterval", "-00:00:01", "Standalone__GaugeInterval")]
    [InlineData("Health:ProbeInterval", "00:00:00", "Health__ProbeInterval")]
    public async Task A_wrong_setting_stops_the_app_at_start_naming_the_setting(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync(azurite, new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_telemetry_exporter_stops_the_app_while_it_is_composed()
    {
        var error = await Record.ExceptionAsync(() => TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Telemetry:Exporter"] = "7" }));

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains("Telemetry__Exporter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_within_their_bounds_start_the_app()
    {
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Intake:MaxBodyBytes"] = "1",
            ["Delivery:MaxRetryDelay"] = "00:01:00",
            ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "32",
            ["AzureFunctionsJobHost:extensions:queues:messageEncoding"] = "None",
            ["Standalone:GaugeInterval"] = "00:00:00",
        });

        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Http.GetAsync("/")).StatusCode);
    }

    [Theory]
    [InlineData("Dataverse", "Destinations:Dataverse:MaxConcurrency", "60", "Destinations__Dataverse__MaxConcurrency must be between 1 and 52 (Dataverse's concurrent-request limit per user); it is 60.")]
    [InlineData("HubSpot", "Destinations:HubSpot:AccessToken", null, "Destinations__HubSpot__AccessToken is missing")]
    [InlineData("Salesforce", "Destinations:Salesforce:TokenLifetime", "00:00:00", "Destinations__Salesforce__TokenLifetime must be positive.")]
    [InlineData("Salesforce", "Destinations:Salesforce:Url", "https://contoso.my.salesforce.com/lightning", "Destinations__Salesforce__Url 'https://contoso.my.salesforce.com/lightning' has a path")]
    public async Task A_wrong_CRM_setting_is_reported_naming_the_setting_and_intake_keeps_accepting_leads(string target, string key, string? value, string named)
    {
        var logs = new CapturedLogs();
        var settings = CrmSettings(target);
        settings[key] = value;

        await using var app = await TestApp.StartAsync(azurite, settings, s => s.AddSingleton<ILoggerProvider>(logs));

        Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"))).StatusCode);
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.PoisonQueue) == 1, TimeSpan.FromSeconds(60)), "the lead waits in the poison queue");
        var reason = Assert.Single(await app.PoisonedAsync()).GetProperty("lastError");
        Assert.Equal("Configuration", reason.GetProperty("code").GetString());
        Assert.Contains(named, reason.GetProperty("message").GetString(), StringComparison.Ordinal);

        var details = await app.Http.GetAsync(TestApp.HealthDetailsPath());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, details.StatusCode);
        Assert.Equal("Unhealthy", (await details.JsonAsync()).GetProperty("destinations").GetProperty(target).GetString());
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(named, StringComparison.Ordinal)); // the health log
        if (target == "Dataverse")
        {
            Assert.True(
                await TestApp.EventuallyAsync(() => Task.FromResult(logs.Entries.Any(e => e.Level == LogLevel.Error && e.Category.EndsWith("DataverseConnectionCheck", StringComparison.Ordinal) && e.Message.Contains(named, StringComparison.Ordinal)))),
                $"the start-up check logs the problem:\n{logs.All}");
        }
    }

    /// <summary>Settings of <paramref name="target"/> that would work, were it not for the one a test breaks; none is ever called.</summary>
    [Fact]
    public async Task Settings_under_their_old_names_still_work_with_a_warning_and_a_new_name_wins()
    {
        var logs = new CapturedLogs();
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Crm:Target"] = "Table",
            ["Crm:Table:TableName"] = "NotThisTable", // the new name, set by TestApp, wins
            ["Crm:Fleet:TableName"] = "OldFleetName",
        }, s => s.AddSingleton<ILoggerProvider>(logs));

        Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"))).StatusCode);
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1, TimeSpan.FromSeconds(60)), "the lead reaches the table the new name names");

        var warnings = logs.Messages(LogLevel.Warning).ToList();
        Assert.Contains(warnings, m => m.Contains("Crm__Target has a new name, Destinations__Default", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains("Crm__Fleet__TableName has a new name, Destinations__Fleet__TableName", StringComparison.Ordinal));
        Assert.Equal("OldFleetName", app.App.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Destinations:Fleet:TableName"]);
        Assert.DoesNotContain(warnings, m => m.Contains("Crm__Table__TableName", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> CrmSettings(string target) => target switch
    {
        "Dataverse" => new() { ["Destinations:Default"] = target, ["Destinations:Dataverse:Url"] = "https://contoso.crm.dynamics.com", ["Destinations:Dataverse:Credential"] = "None" },
        "Salesforce" => new()
        {
            ["Destinations:Default"] = target, ["Destinations:Salesforce:Url"] = "https://contoso.my.salesforce.com", ["Destinations:Salesforce:ClientId"] = "id", ["Destinations:Salesforce:ClientSecret"] = "secret",
        },
        "HubSpot" => new() { ["Destinations:Default"] = target, ["Destinations:HubSpot:AccessToken"] = "pat-na1-x" },
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };
}
