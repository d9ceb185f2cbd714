using System.Diagnostics;
using System.Text.Json.Nodes;
using LeadFunctions.Destinations;

namespace LeadFunctions.Tests.Destinations.Webhook;

/// <summary>The body, and each kind of answer treated as the CRMs' are: retried with the wait, poisoned with a reason, never lead data.</summary>
public sealed class WebhookDestinationTests : IAsyncLifetime
{
    private FakeWebhookReceiver Fake { get; set; } = null!;

    public async Task InitializeAsync() => Fake = await FakeWebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await Fake.DisposeAsync();

    [Fact]
    public async Task The_body_is_the_documented_versioned_json_with_the_mapped_data()
    {
        await using var harness = WebhookHarness.Create(Fake, s =>
        {
            s["Destinations:Webhook:Mapping:phone"] = "";
            s["Destinations:Webhook:Mapping:offerId"] = "LeadSource.OfferId";
            s["Destinations:Webhook:Mapping:source"] = "=marketplace";
        });
        var delivery = TestLeads.Delivery(TestLeads.DoNotContact(1));

        await harness.DeliverAsync(delivery);

        var body = JsonNode.Parse(Assert.Single(Fake.Received).Body)!.AsObject();
        Assert.Equal(["type", "version", "id", "timestamp", "data"], body.Select(p => p.Key));
        Assert.Equal("lead.received", body["type"]!.GetValue<string>());
        Assert.Equal(1, body["version"]!.GetValue<int>());
        Assert.Equal(delivery.LeadId, body["id"]!.GetValue<string>());
        Assert.Equal("2025-03-04T05:06:07Z", body["timestamp"]!.GetValue<string>());
        var data = body["data"]!.AsObject();
        Assert.Equal("ada1@contoso.example", data["email"]!.GetValue<string>());
        Assert.True(data["doNotContact"]!.GetValue<bool>());
        Assert.Equal("marketplace", data["source"]!.GetValue<string>());
        Assert.Null(data["phone"]);
        Assert.Equal("2025-03-04T05:06:07Z", data["receivedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_waited_for_then_the_lead_is_delivered()
    {
        Fake.Script.Enqueue((429, "1", "slow down"));
        await using var harness = WebhookHarness.Create(Fake);
        var watch = Stopwatch.StartNew();

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1))));

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"the retry came after {watch.Elapsed}, not after the 1 s asked for");
        Assert.Equal([429, 200], Fake.Received.Select(r => r.Status));
        Assert.Single(Fake.Received.Select(r => r.Id).Distinct());
    }

    [Fact]
    public async Task A_429_asking_for_longer_than_MaxThrottleWait_hands_the_lead_back_with_that_wait_and_closes_the_gate()
    {
        Fake.Script.Enqueue((429, "120", "slow down"));
        await using var harness = WebhookHarness.Create(Fake);

        var retry = Assert.IsType<DeliveryOutcome.RetryLater>(await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1))));

        Assert.Equal(429, retry.Failure.Status);
        Assert.Equal(TimeSpan.FromSeconds(120), retry.RetryAfter);
        Assert.Single(Fake.Received);
        Assert.True(harness.Throttle.Remaining > TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_503_that_asks_for_a_long_wait_is_retried_later_with_that_wait()
    {
        Fake.Script.Enqueue((503, "30", "maintenance"));
        await using var harness = WebhookHarness.Create(Fake);

        var retry = Assert.IsType<DeliveryOutcome.RetryLater>(await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1))));

        Assert.Equal(503, retry.Failure.Status);
        Assert.Equal("ServerError", retry.Failure.Code);
        Assert.Equal(TimeSpan.FromSeconds(30), retry.RetryAfter);
        Assert.Contains("maintenance", retry.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_410_Gone_is_permanent_and_the_reason_says_the_receiver_asked_to_stop()
    {
        Fake.Script.Enqueue((410, null, "this hook was deleted"));
        await using var harness = WebhookHarness.Create(Fake);

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1))));

        Assert.Equal(410, cannot.Failure.Status);
        Assert.Equal("Gone", cannot.Failure.Code);
        Assert.Contains("asked to stop", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("Destinations__Webhook__Url", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Single(Fake.Received); // not retried in process
    }

    [Fact]
    public async Task Another_4xx_is_permanent_with_a_short_clean_excerpt_that_holds_none_of_the_leads_values()
    {
        var answer = "invalid field: ada1@contoso.example is not allowed\n\u001b[31mred" + new string('x', 10_000);
        Fake.Script.Enqueue((422, null, answer));
        await using var harness = WebhookHarness.Create(Fake);

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1))));

        Assert.Equal(422, cannot.Failure.Status);
        Assert.Equal("Refused", cannot.Failure.Code);
        Assert.Contains("invalid field: [value] is not allowed", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ada1", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', cannot.Failure.Message);
        Assert.True(cannot.Failure.Message.Length < 600, cannot.Failure.Message);
    }

    [Fact]
    public async Task A_receiver_too_slow_to_answer_is_retried_with_the_same_webhook_id_then_handed_back()
    {
        Fake.SlowSuccessRate = 1;
        Fake.SlowSuccessDelay = TimeSpan.FromSeconds(3);
        await using var harness = WebhookHarness.Create(Fake, HarnessTimeouts.AnswersLostAfterHalfASecond);
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        var retry = Assert.IsType<DeliveryOutcome.RetryLater>(await harness.DeliverAsync(delivery));

        Assert.Equal("Timeout", retry.Failure.Code);
        Assert.Contains("same webhook-id", retry.Failure.Message, StringComparison.Ordinal);
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Fake.Received.Count >= 2)), $"{Fake.Received.Count} attempts");
        Assert.All(Fake.Received, r => Assert.Equal(delivery.LeadId, r.Id));
        Assert.Equal(1, Fake.RecordCount);
    }

    [Fact]
    public async Task Health_sends_nothing_and_says_the_settings_are_usable()
    {
        await using var harness = WebhookHarness.Create(Fake);

        var health = await harness.Destination.CheckHealthAsync(CancellationToken.None);

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, health.Status);
        Assert.Contains("not probed", health.Description, StringComparison.Ordinal);
        Assert.Equal(0, Fake.Requests);
    }

    [Fact]
    public async Task Logs_hold_neither_the_leads_data_nor_the_secret_parts_of_the_url()
    {
        Fake.Script.Enqueue((503, null, "busy"));
        await using var harness = WebhookHarness.Create(Fake);

        await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var logs = string.Join("\n", harness.Logs.Everything);
        Assert.DoesNotContain("ada1", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3tpath", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("querysecret", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookHarness.Secret["whsec_".Length..], logs, StringComparison.Ordinal);
    }
}
