using LeadFunctions.Destinations.Webhook;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Tests.Destinations.Webhook;

/// <summary>Wrong webhook settings are reported naming the setting, never repeating a secret, and poison each lead with the reason.</summary>
public sealed class WebhookSettingsTests
{
    private const string Url = "https://hooks.example.com/leads?sig=abc";

    [Fact]
    public void One_secret_or_two_during_a_rotation_are_usable()
    {
        Assert.Null(Settings(Url, WebhookHarness.Secret).Problem);
        var rotating = Settings(Url, $"{WebhookHarness.Secret} {WebhookHarness.NextSecret}");
        Assert.Null(rotating.Problem);
        Assert.Equal(2, rotating.Signers.Count);
        Assert.Equal(new Uri(Url), rotating.Endpoint);
        Assert.Null(Settings("http://127.0.0.1:5000/hook", WebhookHarness.Secret).Problem); // loopback for tests
    }

    [Theory]
    [InlineData(null, "Destinations__Webhook__Url is missing")]
    [InlineData("hooks.example.com/leads", "Destinations__Webhook__Url is not an absolute https URL")]
    [InlineData("http://hooks.example.com/leads", "Destinations__Webhook__Url must use https")]
    [InlineData("https://user:pass@hooks.example.com/leads", "Destinations__Webhook__Url must not hold a user name or password")]
    public void A_wrong_url_is_named(string? url, string problem) =>
        Assert.Contains(problem, Settings(url, WebhookHarness.Secret).Problem, StringComparison.Ordinal);

    [Theory]
    [InlineData(null, "Destinations__Webhook__Secret is missing")]
    [InlineData("c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", "Destinations__Webhook__Secret does not start with whsec_")]
    [InlineData("whsec_not*base64!", "Destinations__Webhook__Secret is not base64 after whsec_")]
    [InlineData("whsec_c2hvcnQ=", "Destinations__Webhook__Secret is 5 bytes after whsec_")]
    public void A_wrong_secret_is_named_and_not_repeated(string? secret, string problem)
    {
        var found = Settings(Url, secret).Problem;
        Assert.Contains(problem, found, StringComparison.Ordinal);
        if (secret is not null) Assert.DoesNotContain(secret, found, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_second_secret_is_named_as_the_second()
    {
        var problem = Settings(Url, $"{WebhookHarness.Secret} whsec_%%%").Problem;
        Assert.Contains("Destinations__Webhook__Secret (secret 2) is not base64", problem, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookHarness.Secret, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_mapping_field_is_named()
    {
        var options = new WebhookOptions { Url = Url, Secret = WebhookHarness.Secret };
        options.Mapping["first name"] = "UserDetails.FirstName";
        Assert.Contains("Destinations__Webhook__Mapping__first name", new WebhookSettings(Options.Create(options)).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lead_under_wrong_settings_is_poisoned_with_the_problem_and_nothing_is_sent()
    {
        await using var fake = await FakeWebhookReceiver.StartAsync();
        await using var harness = WebhookHarness.Create(fake, s => s["Destinations:Webhook:Secret"] = "not-a-whsec-secret");

        var cannot = Assert.IsType<LeadFunctions.Destinations.DeliveryOutcome.CannotDeliver>(
            await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1))));

        Assert.Equal("Configuration", cannot.Failure.Code);
        Assert.Contains("Destinations__Webhook__Secret", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, fake.Requests);
    }

    private static WebhookSettings Settings(string? url, string? secret) =>
        new(Options.Create(new WebhookOptions { Url = url, Secret = secret }));
}
