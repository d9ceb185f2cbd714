using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Tests.Destinations.Webhook;

/// <summary>
/// The standalone app against Azurite with <c>Destinations__Default=Webhook</c>: a posted lead reaches the receiver signed;
/// a <c>410</c> poisons the next one with its reason; once the receiver is fixed, a replay delivers it with the same id.
/// </summary>
public sealed class WebhookEndToEndTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    private FakeWebhookReceiver Fake { get; set; } = null!;

    private CapturedLogs Logs { get; } = new();

    public async Task InitializeAsync() => Fake = await FakeWebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await Fake.DisposeAsync();

    [Fact]
    public async Task A_posted_lead_reaches_the_receiver_signed_and_a_410_is_poisoned_with_its_reason_until_replayed()
    {
        var settings = WebhookHarness.SettingsFor(Fake);
        settings["Delivery:FirstRetryDelay"] = "00:00:00.200";
        settings["Delivery:MaxRetryDelay"] = "00:00:01";
        await using var app = await TestApp.StartAsync(azurite, settings, s => s.AddSingleton<ILoggerProvider>(Logs));

        var first = await PostAsync(app, TestLeads.ContactMe(1));
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Fake.RecordCount == 1), Within), Fake.Summary);
        var received = Assert.Single(Fake.Received);
        Assert.Equal(first, received.Id);
        Assert.True(IndependentVerifier.Verifies(WebhookHarness.Secret, received));
        Assert.Equal("ada1@contoso.example", JsonNode.Parse(received.Body)!["data"]!["email"]!.GetValue<string>());

        Fake.AnswerEverything = (410, "Gone", "This hook was turned off.");
        var second = await PostAsync(app, TestLeads.ContactMe(2));
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.PoisonQueue) == 1, Within));
        var reason = Assert.Single(await app.PoisonedAsync()).GetProperty("lastError");
        Assert.Equal("Webhook", reason.GetProperty("destination").GetString());
        Assert.Equal(410, reason.GetProperty("status").GetInt32());
        Assert.Equal("Gone", reason.GetProperty("code").GetString());
        Assert.Contains("asked to stop", reason.GetProperty("message").GetString(), StringComparison.Ordinal);

        Fake.AnswerEverything = null;
        Assert.Equal(1, await app.ReplayPoisonAsync());
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Fake.RecordCount == 2), Within), Fake.Summary);
        Assert.Contains(second, Fake.Accepted.Keys);
        Assert.All(Fake.Received.Where(r => r.Status == 200), r => Assert.True(IndependentVerifier.Verifies(WebhookHarness.Secret, r)));

        var logs = string.Join("\n", Logs.Everything);
        Assert.DoesNotContain("ada1@contoso.example", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3tpath", logs, StringComparison.Ordinal);
    }

    private static async Task<string> PostAsync(TestApp app, JsonObject lead)
    {
        using var response = await app.PostLeadAsync(lead.ToJsonString());
        Assert.Equal(202, (int)response.StatusCode);
        return (await response.JsonAsync()).GetProperty("leadId").GetString()!;
    }
}
