using System.Globalization;
using LeadFunctions.Destinations;

namespace LeadFunctions.Tests.Destinations.Webhook;

/// <summary>What a receiver checks: the Standard Webhooks headers and signatures, verified independently of the app's signer.</summary>
public sealed class WebhookSigningTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private FakeWebhookReceiver Fake { get; set; } = null!;

    public async Task InitializeAsync() => Fake = await FakeWebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await Fake.DisposeAsync();

    [Fact]
    public async Task Each_request_carries_the_lead_id_the_attempts_time_and_a_signature_an_independent_verifier_accepts()
    {
        await using var harness = WebhookHarness.Create(Fake, time: new SteppingClock(Start));
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), await harness.DeliverAsync(delivery));

        var received = Assert.Single(Fake.Received);
        Assert.Equal(delivery.LeadId, received.Id);
        Assert.True(long.TryParse(received.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds));
        Assert.True(seconds > Start.ToUnixTimeSeconds(), $"timestamp {seconds} is not from the injected clock");
        Assert.StartsWith("application/json", received.ContentType, StringComparison.Ordinal);
        Assert.Equal($"/{WebhookHarness.SecretPath}?sig=querysecret", received.Path);
        Assert.Null(received.Authorization);
        Assert.Equal(1, IndependentVerifier.Count(received.Signature));
        Assert.True(IndependentVerifier.Verifies(WebhookHarness.Secret, received));

        // What a receiver must refuse: another secret, a changed body, another id, another timestamp.
        var secret = WebhookHarness.Secret;
        Assert.False(IndependentVerifier.Verifies(WebhookHarness.NextSecret, received));
        Assert.False(IndependentVerifier.Verifies(secret, received with { Body = received.Body.Replace("ada1", "eve1", StringComparison.Ordinal) }));
        Assert.False(IndependentVerifier.Verifies(secret, received with { Id = "another" }));
        Assert.False(IndependentVerifier.Verifies(secret, received with { Timestamp = (seconds + 1).ToString(CultureInfo.InvariantCulture) }));
    }

    [Fact]
    public async Task During_a_rotation_each_of_the_two_secrets_signs_and_either_alone_verifies()
    {
        var both = $"{WebhookHarness.Secret} {WebhookHarness.NextSecret}";
        await using var harness = WebhookHarness.Create(Fake, s => s["Destinations:Webhook:Secret"] = both);

        await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var received = Assert.Single(Fake.Received);
        Assert.Equal(2, IndependentVerifier.Count(received.Signature));
        Assert.True(IndependentVerifier.Verifies(WebhookHarness.Secret, received));
        Assert.True(IndependentVerifier.Verifies(WebhookHarness.NextSecret, received));
        foreach (var one in received.Signature!.Split(' '))
        {
            Assert.True(IndependentVerifier.Verifies(WebhookHarness.Secret, received with { Signature = one })
                        ^ IndependentVerifier.Verifies(WebhookHarness.NextSecret, received with { Signature = one }));
        }
    }

    [Fact]
    public async Task A_retried_lead_keeps_its_webhook_id_and_gets_a_new_timestamp_and_valid_signatures()
    {
        Fake.Script.Enqueue((503, null, "busy"));
        await using var harness = WebhookHarness.Create(Fake, time: new SteppingClock(Start));
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), await harness.DeliverAsync(delivery));
        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), await harness.DeliverAsync(delivery with { Attempt = 2 })); // a replay

        var attempts = Fake.Received.ToList();
        Assert.Equal([503, 200, 200], attempts.Select(a => a.Status));
        Assert.All(attempts, a => Assert.Equal(delivery.LeadId, a.Id));
        Assert.All(attempts, a => Assert.True(IndependentVerifier.Verifies(WebhookHarness.Secret, a)));
        Assert.Equal(3, attempts.Select(a => a.Timestamp).Distinct().Count());
        Assert.Single(attempts.Select(a => a.Body).Distinct()); // the same body every time: a repeat is a true repeat
        Assert.Equal(1, Fake.RecordCount); // the receiver dropped the repeats by webhook-id
    }
}
