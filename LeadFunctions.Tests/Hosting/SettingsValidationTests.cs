using System.Net;
using LeadFunctions.Tests.Infrastructure;
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
    [InlineData("Dataverse", "Crm:Dataverse:MaxConcurrency", "60", "Crm__Dataverse__MaxConcurrency must be between 1 and 52 (Dataverse's concurrent-request limit per user); it is 60.")]
    [InlineData("HubSpot", "Crm:HubSpot:AccessToken", null, "Crm__HubSpot__AccessToken is missing")]
    [InlineData("Salesforce", "Crm:Salesforce:TokenLifetime", "00:00:00", "Crm__Salesforce__TokenLifetime must be positive.")]
    [InlineData("Salesforce", "Crm:Salesforce:Url", "https://contoso.my.salesforce.com/lightning", "Crm__Salesforce__Url 'https://contoso.my.salesforce.com/lightning' has a path")]
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
    private static Dictionary<string, string?> CrmSettings(string target) => target switch
    {
        "Dataverse" => new() { ["Crm:Target"] = target, ["Crm:Dataverse:Url"] = "https://contoso.crm.dynamics.com", ["Crm:Dataverse:Credential"] = "None" },
        "Salesforce" => new()
        {
            ["Crm:Target"] = target, ["Crm:Salesforce:Url"] = "https://contoso.my.salesforce.com", ["Crm:Salesforce:ClientId"] = "id", ["Crm:Salesforce:ClientSecret"] = "secret",
        },
        "HubSpot" => new() { ["Crm:Target"] = target, ["Crm:HubSpot:AccessToken"] = "pat-na1-x" },
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };
}
