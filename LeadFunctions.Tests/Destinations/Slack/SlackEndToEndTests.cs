using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Tests.Destinations.Slack;

/// <summary>
/// <c>Destinations__Default=Table;Slack</c> through the whole app: an archived channel poisons only Slack's delivery with its
/// reason; a replay after the fix posts the lead once; the same lead posted again later shows no second message.
/// </summary>
public sealed class SlackEndToEndTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private FakeSlack _slack = null!;

    public async Task InitializeAsync() => _slack = await FakeSlack.StartAsync();

    public async Task DisposeAsync() => await _slack.DisposeAsync();

    [Fact]
    public async Task An_archived_channel_poisons_only_Slack_a_replay_posts_once_and_a_repost_never_again()
    {
        _slack.NextAnswers.Enqueue((410, "channel_is_archived", null));
        using var logs = new CapturedLogs();
        await using var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Destinations:Default"] = "Table;Slack",
            ["Destinations:Slack:Url"] = _slack.WebhookUrl.ToString(),
            ["Destinations:Slack:SentTable"] = TestNames.Table(),
            ["Destinations:Slack:RetryDelay"] = "00:00:00.020",
        }, services => services.AddSingleton<ILoggerProvider>(logs));
        var lead = TestLeads.ContactMe(1).ToJsonString();

        Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(lead)).StatusCode);
        Assert.True(await TestApp.EventuallyAsync(async () =>
            await app.CountRowsAsync() == 1 && await TestApp.CountMessagesAsync(app.PoisonQueue) == 1));
        var poisoned = Assert.Single(await app.PoisonedAsync());
        Assert.Equal(["Slack"], poisoned.GetProperty("destinations").EnumerateArray().Select(d => d.GetString()));
        var reason = poisoned.GetProperty("lastError");
        Assert.Equal(("Slack", 410), (reason.GetProperty("destination").GetString(), reason.GetProperty("status").GetInt32()));
        Assert.Contains("channel is archived", reason.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(_slack.Messages);

        Assert.Equal(1, await app.ReplayPoisonAsync()); // the channel was unarchived
        Assert.True(await TestApp.EventuallyAsync(async () => _slack.Messages.Count == 1 && await TestApp.CountMessagesAsync(app.Queue) == 0));

        Assert.Equal(HttpStatusCode.Accepted, (await app.PostLeadAsync(lead)).StatusCode); // Partner Center posts it again
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(
            logs.Messages().Any(m => m.Contains("delivered to Slack (already there: True", StringComparison.Ordinal)))));
        Assert.Single(_slack.Messages);
        Assert.Equal(1, await app.CountRowsAsync());
        Assert.Empty(_slack.Violations);
        Assert.DoesNotContain(logs.Messages(), m => m.Contains("fakeSecret123", StringComparison.Ordinal)); // the URL is a secret
        Assert.DoesNotContain(logs.Messages(), m => m.Contains("ada1@contoso.example", StringComparison.Ordinal));
    }
}
