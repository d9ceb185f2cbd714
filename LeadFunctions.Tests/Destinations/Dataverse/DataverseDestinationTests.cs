using LeadFunctions.Destinations;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using LeadFunctions.Delivery;
using LeadFunctions.Destinations.Dataverse;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http;
using Microsoft.Identity.Client;
using Moq;
using LeadFunctions.Tests.Destinations;

namespace LeadFunctions.Tests.Destinations.Dataverse;

/// <summary>One delivery at a time against the strict fake Web API: exactly once, failure classes, token, throttling.</summary>
public sealed class DataverseDestinationTests : CrmDestinationSuite<FakeDataverse, CrmDestination<DataverseProtocol>>
{
    [Fact]
    public async Task A_lead_becomes_one_record_keyed_by_the_v5_uuid_of_its_lead_id_with_the_OData_headers()
    {
        await using var harness = DataverseHarness.Create(Fake);
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        var outcome = await harness.DeliverAsync(delivery);

        // Under load the first attempt may outlive its half-second timeout after the create committed; the retry
        // then finds the record (AlreadyThere). Either way there is exactly one record.
        Assert.IsType<DeliveryOutcome.Delivered>(outcome);
        Assert.Equal(1, Fake.Creates);
        var record = Fake.Lead(NameBasedUuid.ForLead(delivery.LeadId));
        Assert.Equal("ada1@contoso.example", record["emailaddress1"]!.GetValue<string>());
        Assert.Equal(8, record["leadsourcecode"]!.GetValue<int>());
        Assert.Empty(Fake.Violations);
        Assert.Equal(0, Fake.WithToken); // Credential=None sends no token
    }

    [Fact]
    public async Task More_503s_than_retries_hand_the_lead_back_to_be_retried_later()
    {
        Fake.FailNextWith503(10);
        await using var harness = DataverseHarness.Create(Fake);

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var retry = Assert.IsType<DeliveryOutcome.RetryLater>(outcome);
        Assert.Equal(503, retry.Failure.Status);
        Assert.Equal(3, Fake.Injected503); // one attempt and two retries
        Assert.Empty(Fake.Leads);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_transient_failure()
    {
        Fake.Down = true;
        await using var harness = DataverseHarness.Create(Fake);

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var retry = Assert.IsType<DeliveryOutcome.RetryLater>(outcome);
        Assert.Null(retry.Failure.Status);
        Assert.Contains("not reachable", retry.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, Fake.Dropped);
    }

    [Fact]
    public async Task A_403_is_permanent_at_once_with_what_to_do()
    {
        Fake.AnswerEverything = (403, "0x80040220", "Principal user is missing prvCreateLead privilege.");
        await using var harness = DataverseHarness.Create(Fake);

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal(403, cannot.Failure.Status);
        Assert.Equal("0x80040220", cannot.Failure.Code);
        Assert.Contains("prvCreateLead", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("security role with Create and Read on Lead", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, Fake.Requests); // no retry storm
    }

    [Fact]
    public async Task An_unknown_mapped_column_is_permanent_until_the_column_exists()
    {
        await using var harness = DataverseHarness.Create(Fake, s => s["Destinations:Dataverse:Mapping:new_offer"] = "{OfferTitle} ({ActionCode})");
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(await harness.DeliverAsync(delivery));
        Assert.Equal(400, cannot.Failure.Status);
        Assert.Equal("0x80060888", cannot.Failure.Code);
        Assert.Contains("'new_offer'", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, Fake.Requests);

        Fake.AddTextColumn("new_offer", 100);
        Assert.Equal(new DeliveryOutcome.Delivered(false), await harness.DeliverAsync(delivery));
        Assert.Equal("Contoso Analytics (PLT)", Fake.Lead(NameBasedUuid.ForLead(delivery.LeadId))["new_offer"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_custom_column_shorter_than_its_text_is_rejected_until_its_max_length_is_set_then_cut()
    {
        Fake.AddTextColumn("new_offer", 10);
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));

        await using (var unconfigured = DataverseHarness.Create(Fake, s => s["Destinations:Dataverse:Mapping:new_offer"] = "OfferTitle"))
        {
            var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(await unconfigured.DeliverAsync(delivery));
            Assert.Equal("0x80044331", cannot.Failure.Code);
            Assert.Contains("Destinations__Dataverse__MaxLength__", cannot.Failure.Message, StringComparison.Ordinal);
        }

        await using var configured = DataverseHarness.Create(Fake, s =>
        {
            s["Destinations:Dataverse:Mapping:new_offer"] = "OfferTitle";
            s["Destinations:Dataverse:MaxLength:new_offer"] = "10";
        });
        Assert.Equal(new DeliveryOutcome.Delivered(false), await configured.DeliverAsync(delivery));
        Assert.Equal("Contoso An", Fake.Lead(NameBasedUuid.ForLead(delivery.LeadId))["new_offer"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_rejection_that_quotes_lead_data_is_stored_without_it()
    {
        await using var harness = DataverseHarness.Create(Fake, s => s["Destinations:Dataverse:Mapping:leadqualitycode"] = "UserDetails.Email");

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Contains("Cannot convert the literal '[value]'", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ada1@contoso.example", cannot.Failure.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_duplicate_detection_match_is_permanent_and_not_retried()
    {
        await using var harness = DataverseHarness.Create(Fake, s => s["Destinations:Dataverse:SuppressDuplicateDetection"] = "false");
        var first = TestLeads.ContactMe(1);
        var second = TestLeads.ContactMe(1);
        second["ActionCode"] = "INS"; // another lead of the same customer

        Assert.Equal(new DeliveryOutcome.Delivered(false), await harness.DeliverAsync(TestLeads.Delivery(first)));
        var outcome = await harness.DeliverAsync(TestLeads.Delivery(second));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal(500, cannot.Failure.Status);
        Assert.Equal("0x80040333", cannot.Failure.Code);
        Assert.Equal(2, Fake.Requests);
    }

    [Fact]
    public async Task Duplicate_detection_is_off_by_default_so_several_leads_of_one_customer_are_all_created()
    {
        await using var harness = DataverseHarness.Create(Fake);
        var second = TestLeads.ContactMe(1);
        second["ActionCode"] = "INS";

        await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));
        await harness.DeliverAsync(TestLeads.Delivery(second));

        Assert.Equal(2, Fake.Leads.Count);
    }

    [Fact]
    public async Task An_expired_token_is_refreshed_once_and_the_request_repeated()
    {
        Fake.RequiredToken = "fresh";
        var credential = Credential("stale", "fresh");
        await using var harness = DataverseHarness.Create(Fake, services: s => s.AddSingleton(new DataverseToken(credential.Object, "scope/.default", TimeProvider.System)));

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        Assert.Equal(new DeliveryOutcome.Delivered(false), outcome);
        Assert.Equal(1, Fake.Unauthorized);
        credential.Verify(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task A_token_refused_after_a_refresh_is_permanent()
    {
        Fake.RequiredToken = "what the app user would get";
        var credential = Credential("wrong", "still wrong");
        await using var harness = DataverseHarness.Create(Fake, services: s => s.AddSingleton(new DataverseToken(credential.Object, "scope/.default", TimeProvider.System)));

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal(401, cannot.Failure.Status);
        Assert.Contains("even after a refresh", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, Fake.Unauthorized);
        credential.Verify(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task One_token_serves_many_requests_for_the_right_scope()
    {
        Fake.RequiredToken = "t1";
        var credential = Credential("t1");
        await using var harness = DataverseHarness.Create(Fake, services: s => s.AddSingleton(sp =>
            new DataverseToken(credential.Object, sp.GetRequiredService<DataverseSettings>().Scope, TimeProvider.System)));

        for (var i = 0; i < 5; i++) await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(i)));

        Assert.Equal(5, Fake.Creates);
        credential.Verify(c => c.GetTokenAsync(
            It.Is<TokenRequestContext>(t => t.Scopes.Single() == $"http://127.0.0.1:{Fake.Url.Port}/.default"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task One_429_makes_every_worker_wait_for_Retry_After_instead_of_hammering()
    {
        Fake.Limit = new ServiceProtectionLimit(Requests: 4, Window: TimeSpan.FromSeconds(30), RetryAfterSeconds: 1);
        DestinationThrottle? throttle = null;
        var sentWhileTheGateWasClosed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var harness = DataverseHarness.Create(Fake, s => s["Destinations:Dataverse:Retries"] = "5", services =>
            services.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b => b.AdditionalHandlers.Add(new OnSend(request =>
            {
                // Right where a request leaves the app, after its wait for the gate: the gate must be open. (Judged here,
                // not by when the fake sees a request: on a busy machine a request sent before the 429 may arrive long after it.)
                if (throttle!.Remaining > TimeSpan.Zero) sentWhileTheGateWasClosed.Enqueue($"{request.Method} {request.RequestUri} with {throttle.Remaining} to wait");
            })))));
        throttle = harness.Throttle;
        var leads = Enumerable.Range(0, 12).Select(i => TestLeads.Delivery(TestLeads.ContactMe(i))).ToList();

        var delivering = leads.Select(harness.DeliverAsync).ToList();
        Assert.True(await TestApp.EventuallyAsync(() => Task.FromResult(Fake.Throttled > 0), TimeSpan.FromSeconds(60)), "Dataverse never answered 429");
        Fake.Limit = null; // the window has room again once Retry-After has passed
        var outcomes = await Task.WhenAll(delivering);

        Assert.All(outcomes, o => Assert.IsType<DeliveryOutcome.Delivered>(o));
        Assert.Equal(12, Fake.Leads.Count);
        Assert.Contains(harness.Logs.Messages(), m => m.Contains("asked this app to wait", StringComparison.Ordinal)); // the gate closed
        Assert.Empty(sentWhileTheGateWasClosed);
        Assert.True(Fake.Throttled <= 8, $"{Fake.Throttled} requests were throttled: only those already in flight should be");
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_app_may_wait_hands_the_lead_back_with_that_delay()
    {
        Fake.Limit = new ServiceProtectionLimit(Requests: 0, Window: TimeSpan.FromMinutes(5), RetryAfterSeconds: 120);
        await using var harness = DataverseHarness.Create(Fake);

        var first = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));
        var second = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(2)));

        var retry = Assert.IsType<DeliveryOutcome.RetryLater>(first);
        Assert.Equal(429, retry.Failure.Status);
        Assert.Equal("0x80072322", retry.Failure.Code);
        Assert.Equal(TimeSpan.FromSeconds(120), retry.RetryAfter);
        var held = Assert.IsType<DeliveryOutcome.RetryLater>(second); // not even sent: the gate is closed for everyone
        Assert.InRange(held.RetryAfter!.Value, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(120));
        Assert.Equal(1, Fake.Requests);
    }

    [Fact]
    public async Task While_Dataverse_asks_to_wait_health_is_degraded_without_sending_a_probe()
    {
        Fake.Limit = new ServiceProtectionLimit(Requests: 0, Window: TimeSpan.FromMinutes(5), RetryAfterSeconds: 120);
        await using var harness = DataverseHarness.Create(Fake);
        Assert.IsType<DeliveryOutcome.RetryLater>(await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1))));

        var health = await harness.Destination.CheckHealthAsync(CancellationToken.None);

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("asked this app to wait", health.Description, StringComparison.Ordinal);
        Assert.Equal(1, Fake.Requests); // the delivery's request only: a probe now would only prolong the wait
    }

    [Fact]
    public async Task The_servers_dop_hint_caps_how_many_requests_are_in_flight()
    {
        Fake.DopHint = 2;
        Fake.SlowSuccessRate = 0;
        await using var harness = DataverseHarness.Create(Fake);
        await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(0)));

        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(i)))));

        Assert.Equal(21, Fake.Leads.Count);
        Assert.Equal(2, harness.Throttle.Ceiling);
        Assert.InRange(Fake.MaxConcurrent, 1, 2);
    }

    [Fact]
    public async Task Settings_that_cannot_work_poison_the_lead_with_the_reason_instead_of_stopping_the_app()
    {
        await using var harness = DataverseHarness.Create(Fake, s =>
        {
            s["Destinations:Dataverse:Url"] = null;
            s["Destinations:Dataverse:Credential"] = "Secret";
        });

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal("Configuration", cannot.Failure.Code);
        Assert.Contains("Destinations:Dataverse:Credential", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, Fake.Requests);
    }

    [Fact]
    public async Task Entra_refusing_the_app_itself_is_permanent()
    {
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AuthenticationFailedException("ClientSecretCredential authentication failed.",
                new MsalServiceException("invalid_client", "AADSTS7000215: Invalid client secret provided.", 401)));
        await using var harness = DataverseHarness.Create(Fake, services: s => s.AddSingleton(new DataverseToken(credential.Object, "scope/.default", TimeProvider.System)));

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal("invalid_client", cannot.Failure.Code);
        Assert.Contains("AADSTS7000215", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, Fake.Requests);
    }

    [Fact]
    public async Task A_managed_identity_endpoint_that_does_not_answer_is_transient()
    {
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new CredentialUnavailableException("ManagedIdentityCredential authentication unavailable."));
        await using var harness = DataverseHarness.Create(Fake, services: s => s.AddSingleton(new DataverseToken(credential.Object, "scope/.default", TimeProvider.System)));

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        var retry = Assert.IsType<DeliveryOutcome.RetryLater>(outcome);
        Assert.Equal("CredentialUnavailable", retry.Failure.Code);
    }

    /// <summary>A credential that hands out <paramref name="tokens"/> in turn, each valid for an hour.</summary>
    private static Mock<TokenCredential> Credential(params string[] tokens)
    {
        var credential = new Mock<TokenCredential>();
        var next = 0;
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .Returns(() => ValueTask.FromResult(new AccessToken(tokens[Math.Min(next++, tokens.Length - 1)], DateTimeOffset.UtcNow.AddHours(1))));
        return credential;
    }

    internal static string Jwt(string appId, string tenantId)
    {
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"{Part("""{"alg":"none"}""")}.{Part(new JsonObject { ["appid"] = appId, ["tid"] = tenantId }.ToJsonString())}.sig";
    }

    protected override Task<FakeDataverse> StartFakeAsync() => FakeDataverse.StartAsync();

    protected override DestinationHarness<CrmDestination<DataverseProtocol>> Harness(Action<Dictionary<string, string?>>? settings = null) => DataverseHarness.Create(Fake, settings);

    protected override JsonObject RecordOf(string leadId) => Fake.Lead(NameBasedUuid.ForLead(leadId));

    protected override void AssertNothingWrittenAgain(string leadId) => Assert.Empty(Fake.Violations); // includes: the affinity cookie was never sent back

    protected override void AssertTheLostCreateWasFound() => Assert.Equal(1, Fake.AlreadyExisted);

    /// <summary>For tests that count requests: a slow first answer on a busy machine is a timeout, and timeouts are retried.</summary>
}

/// <summary>Calls <paramref name="onSend"/> for each request as it leaves the app (the innermost handler).</summary>
internal sealed class OnSend(Action<HttpRequestMessage> onSend) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        onSend(request);
        return base.SendAsync(request, cancellationToken);
    }

}
