using System.Diagnostics;
using System.Net;
using System.Text.Json;
using LeadFunctions.Tests.Destinations.HubSpot;
using LeadFunctions.Tests.Destinations.Salesforce;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace LeadFunctions.Tests.Telemetry;

/// <summary>
/// Invariant 5: no name, email, phone, company, title or free text of a lead appears in any log line, span or metric,
/// on any path (delivered, rejected, poisoned, unauthorized) and with every destination (Table, Salesforce and HubSpot
/// quoting values back in their errors). Every personal field carries a unique marker; the
/// non-personal fields that logs do carry by design (offer title, action code, country, lead source) do not.
/// </summary>
public sealed class PersonalDataTests(Azurite azurite) : IClassFixture<Azurite>
{
    private static readonly string Run = Guid.NewGuid().ToString("N")[..8];

    private static string Marker(string field) => $"PII{Run}{field}";

    private static string[] AllMarkers =>
    [
        Marker("First"), Marker("Last"), Marker("Email"), Marker("Phone"), Marker("Company"), Marker("Title"),
        Marker("Description"), Marker("Extra"), Marker("Nested"), Marker("Key"), Marker("Bad"),
    ];

    private static string MarkedLead(int n, string action = "PLT") => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["UserDetails"] = new Dictionary<string, object>
        {
            ["FirstName"] = $"{Marker("First")}{n}",
            ["LastName"] = $"{Marker("Last")}{n}",
            ["Email"] = $"{Marker("Email")}{n}@contoso.com",
            ["Phone"] = $"{Marker("Phone")}{n}",
            ["Country"] = "US",
            ["Company"] = $"{Marker("Company")}{n}",
            ["Title"] = $"{Marker("Title")}{n}",
            ["LinkedIn"] = $"{Marker("Nested")}{n}",
        },
        ["LeadSource"] = $"SPZA-{action}|contoso.analytics",
        ["ActionCode"] = action,
        ["OfferTitle"] = "Contoso Analytics",
        ["Description"] = $"{Marker("Description")}{n} call me",
        ["Referrer"] = $"{Marker("Extra")}{n}",
    });

    [Fact]
    public async Task No_personal_data_of_a_lead_appears_in_logs_spans_or_metrics_on_any_path()
    {
        var telemetry = new CapturedTelemetry();

        // Delivered to the table.
        await using (var app = await TestApp.StartAsync(azurite, services: telemetry.Register))
        {
            for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(MarkedLead(i))).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(MarkedLead(0))).StatusCode);
            Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 3));

            // Rejected in every way, with the markers in the body and the key.
            Assert.Equal(HttpStatusCode.BadRequest, (await app.PostLeadAsync("{\"UserDetails\":{\"Email\":{\"x\":\"" + Marker("Bad") + "\"}}}")).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await app.PostLeadAsync($$"""{"UserDetails":{"FirstName":"{{Marker("Bad")}}" """)).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await app.PostLeadAsync($"\"{Marker("Bad")}\"")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.PostLeadAsync(MarkedLead(9), key: Marker("Key"))).StatusCode);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await app.PostLeadAsync(MarkedLead(9), contentType: "text/plain")).StatusCode);
            // A request's span ends after its answer was sent: wait for all nine (four leads, five refusals), not for a while.
            // (Spans are captured process-wide: count this app's only.)
            int Requests() => telemetry.Spans.Count(s => s.Kind == ActivityKind.Server && Equals(s.GetTagItem("server.port"), app.BaseAddress.Port));
            Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Requests() >= 9), TimeSpan.FromSeconds(60)), $"{Requests()} of 9 request spans were captured");
            app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        }

        // Poisoned: the destination is unknown, so each lead goes to the poison queue with a reason.
        await using (var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Destinations:Default"] = "Nowhere" }, telemetry.Register))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(MarkedLead(5))).StatusCode);
            Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.PoisonQueue) == 1));
            app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        }

        // Salesforce and HubSpot at once, each rejecting a value and quoting it back in its error.
        await using (var salesforce = await FakeSalesforce.StartAsync())
        await using (var hubSpot = await FakeHubSpot.StartAsync())
        {
            salesforce.Fields["Offer__c"] = new SalesforceField(SalesforceFieldType.Text, 10);
            var settings = SalesforceHarness.SettingsFor(salesforce);
            foreach (var (key, value) in HubSpotHarness.SettingsFor(hubSpot)) settings[key] = value;
            settings["Destinations:Default"] = "Salesforce;HubSpot";
            settings["Destinations:Salesforce:Mapping:Offer__c"] = "UserDetails.Email"; // too long: "data value too large: <the value>"
            settings["Destinations:HubSpot:Mapping:email"] = "UserDetails.Phone"; // not an address: "Email address <the value> is invalid"
            await using var app = await TestApp.StartAsync(azurite, settings, telemetry.Register);
            for (var i = 6; i < 8; i++) Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(MarkedLead(i))).StatusCode);
            Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.PoisonQueue) == 4));
            app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        }

        // HubSpot opting a do-not-contact lead's address out of e-mail: the address is in the request's path.
        await using (var hubSpot = await FakeHubSpot.StartAsync())
        {
            await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?>(HubSpotHarness.SettingsFor(hubSpot)) { ["Destinations:Default"] = "HubSpot" }, telemetry.Register);
            Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(MarkedLead(8, action: "DNC"))).StatusCode);
            Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(!hubSpot.OptedOut.IsEmpty)), "the address was never opted out");
            Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0));
            app.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        }

        var everything = telemetry.AllText().ToList();
        Assert.Contains(everything, t => t.Contains("unsubscribe-all", StringComparison.Ordinal));
        Assert.Contains(everything, t => t.Contains("STRING_TOO_LONG", StringComparison.Ordinal) && t.Contains("[value]", StringComparison.Ordinal));
        Assert.Contains(everything, t => t.Contains("INVALID_EMAIL", StringComparison.Ordinal) && t.Contains("[value]", StringComparison.Ordinal));
        Assert.True(everything.Count > 20, $"only {everything.Count} texts were captured: the capture is not working");
        Assert.Contains(everything, t => t.Contains("delivered to Table", StringComparison.Ordinal));
        Assert.Contains(everything, t => t.Contains("poison", StringComparison.OrdinalIgnoreCase));
        var leaks = everything.Where(text => AllMarkers.Any(m => text.Contains(m, StringComparison.Ordinal))).ToList();
        Assert.True(leaks.Count == 0, "personal data leaked:\n" + string.Join("\n", leaks.Take(10)));
    }
}
