using LeadFunctions.Destinations;
using LeadFunctions.Destinations.Chat;
using LeadFunctions.Destinations.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeadFunctions.Tests.Destinations.Chat;

/// <summary>
/// What the app promises a chat (docs/destinations.md, "Teams and Slack"), against each service's loopback webhook: never a
/// second message after a confirmed success; possibly one after an ambiguous failure. Then the failure classes and what a
/// message shows. One subclass per service.
/// </summary>
public abstract class ChatPromiseSuite<TFake, TProtocol>(Azurite azurite) : IAsyncLifetime
    where TFake : FakeChat
    where TProtocol : ICrmProtocol
{
    protected TFake Fake { get; private set; } = null!;

    protected abstract string Destination { get; }

    /// <summary>The code the service answers a post to a gone channel or flow with (<c>410</c>).</summary>
    protected abstract string GoneCode { get; }

    public async Task InitializeAsync() => Fake = await StartFakeAsync();

    public async Task DisposeAsync() => await Fake.DisposeAsync();

    [Fact]
    public async Task A_lead_delivered_then_processed_again_or_replayed_shows_exactly_one_message()
    {
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));
        var table = TestNames.Table();
        void SameTable(Dictionary<string, string?> s) => s[$"Destinations:{Destination}:SentTable"] = table;
        await using (var harness = Harness(SameTable))
        {
            Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), await harness.DeliverAsync(delivery));
            Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: true), await harness.DeliverAsync(delivery with { Attempt = 2 }));
        }

        // A replay, on another instance: the mark is in storage, not in memory.
        await using var other = Harness(SameTable);
        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: true), await other.DeliverAsync(delivery with { Attempt = 1 }));

        Assert.Single(Fake.Messages);
        Assert.Empty(Fake.Violations);
    }

    [Fact]
    public async Task A_503_then_a_success_shows_exactly_one_message()
    {
        Fake.FailNextWith503(1);
        await using var harness = Harness();

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), outcome);
        Assert.Equal(1, Fake.Injected503);
        Assert.Single(Fake.Messages);
    }

    [Fact]
    public async Task An_ambiguous_failure_may_show_a_second_message_and_after_the_success_never_a_third()
    {
        Fake.AcceptWithoutAnswer(1); // shown, but the answer never comes: the attempt times out
        await using var harness = Harness(HarnessTimeouts.AnswersLostAfterHalfASecond);
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        var outcome = await harness.DeliverAsync(delivery);

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), outcome);
        Assert.Equal(2, Fake.Messages.Count); // documented: a chat cannot drop the repeat
        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: true), await harness.DeliverAsync(delivery with { Attempt = 2 }));
        Assert.Equal(2, Fake.Messages.Count);
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_waited_out_then_the_lead_is_posted_once()
    {
        Fake.NextAnswers.Enqueue((429, "rate_limited", 1));
        await using var harness = Harness();

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), outcome);
        Assert.Single(Fake.Messages);
        var answers = Fake.Log.ToList();
        Assert.Equal([429, AcceptedStatus], answers.Select(a => a.Status));
        Assert.True(answers[1].At - answers[0].At >= TimeSpan.FromSeconds(0.9), $"retried after {answers[1].At - answers[0].At}");
    }

    [Fact]
    public async Task A_429_asking_longer_than_MaxThrottleWait_goes_back_to_the_queue_unposted()
    {
        Fake.NextAnswers.Enqueue((429, "rate_limited", 120));
        await using var harness = Harness();

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var retry = Assert.IsType<DeliveryOutcome.RetryLater>(outcome);
        Assert.True(retry.RetryAfter >= TimeSpan.FromSeconds(100), $"{retry.RetryAfter}");
        Assert.Empty(Fake.Messages);
    }

    [Fact]
    public async Task A_410_gone_is_poisoned_with_the_reason_and_a_replay_after_the_fix_posts_once()
    {
        Fake.NextAnswers.Enqueue((410, GoneCode, null));
        await using var harness = Harness();
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        var failure = Assert.IsType<DeliveryOutcome.CannotDeliver>(await harness.DeliverAsync(delivery)).Failure;

        Assert.Equal((Destination, 410), (failure.Destination, failure.Status));
        Assert.Contains($"Destinations__{Destination}__Url", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Fake.WebhookUrl.AbsolutePath, failure.Message, StringComparison.Ordinal); // the URL is a secret
        Assert.Empty(Fake.Messages);
        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), await harness.DeliverAsync(delivery));
        Assert.Single(Fake.Messages);
    }

    [Fact]
    public async Task A_400_invalid_payload_is_poisoned_without_a_message()
    {
        Fake.NextAnswers.Enqueue((400, "invalid_payload", null));
        await using var harness = Harness();

        var failure = Assert.IsType<DeliveryOutcome.CannotDeliver>(await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)))).Failure;

        Assert.Equal(400, failure.Status);
        Assert.Contains("replaying will not help", failure.Message, StringComparison.Ordinal);
        Assert.Empty(Fake.Messages);
    }

    [Fact]
    public async Task By_default_a_message_shows_offer_action_company_and_country_and_no_personal_field()
    {
        await using var harness = Harness();

        await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var text = FakeChat.TextOf(Assert.Single(Fake.Messages));
        foreach (var shown in new[] { "Contoso Analytics", "Contact me", "Analytical Engines 1", "United Kingdom" }) Assert.Contains(shown, text);
        foreach (var hidden in new[] { "Ada1", "Lovelace1", "ada1@contoso.example", "555", "Chief Mathematician" })
        {
            Assert.DoesNotContain(hidden, text);
        }
        Assert.DoesNotContain(ChatMessage.DoNotContactText, text);
    }

    [Fact]
    public async Task PersonalFields_Name_and_Email_show_those_two_only()
    {
        await using var harness = Harness(s => s[$"Destinations:{Destination}:PersonalFields"] = "Name;Email");

        await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var text = FakeChat.TextOf(Assert.Single(Fake.Messages));
        Assert.Contains("Ada1 Lovelace1", text);
        Assert.Contains("ada1@contoso.example", text);
        Assert.DoesNotContain("555", text);
        Assert.DoesNotContain("Chief Mathematician", text);
    }

    [Fact]
    public async Task A_do_not_contact_lead_shows_the_mark()
    {
        await using var harness = Harness();

        await harness.DeliverAsync(TestLeads.Delivery(TestLeads.DoNotContact(1)));

        Assert.Contains(ChatMessage.DoNotContactText, FakeChat.TextOf(Assert.Single(Fake.Messages)));
    }

    [Fact]
    public async Task Health_reports_the_settings_usable_and_posts_nothing()
    {
        await using var harness = Harness();

        var health = await harness.Destination.CheckHealthAsync(CancellationToken.None);

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains("not probed", health.Description, StringComparison.Ordinal);
        Assert.Equal(0, Fake.Requests);
    }

    protected abstract int AcceptedStatus { get; }

    protected abstract Task<TFake> StartFakeAsync();

    protected abstract void Add(IServiceCollection services, IConfiguration configuration);

    protected ChatHarness<TProtocol> Harness(Action<Dictionary<string, string?>>? settings = null) =>
        new(Destination, Fake, azurite, Add, settings);
}
