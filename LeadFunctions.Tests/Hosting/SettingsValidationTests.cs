using LeadFunctions.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Tests.Hosting;

/// <summary>
/// A wrong setting the process cannot run without stops it at start, with a message naming the setting (not at the
/// first lead, and not with a stack trace only a developer could read). Each options class is checked by its
/// generated validator (docs/settings.md).
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
}
