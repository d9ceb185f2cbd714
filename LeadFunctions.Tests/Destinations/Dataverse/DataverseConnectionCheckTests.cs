using Azure.Core;
using LeadFunctions.Destinations.Dataverse;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moq;

namespace LeadFunctions.Tests.Destinations.Dataverse;

/// <summary>The start-up WhoAmI check: what an operator reads in the log for each way the connection can be wrong.</summary>
public sealed class DataverseConnectionCheckTests : IAsyncLifetime
{
    private FakeDataverse _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeDataverse.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    [Fact]
    public async Task A_reachable_environment_is_logged_with_its_user_and_the_dop_hint_is_adopted()
    {
        _fake.DopHint = 3;
        await using var harness = DataverseHarness.Create(_fake);

        await harness.RunConnectionCheckAsync();

        var line = Assert.Single(harness.Logs.Entries, e => e.Message.Contains("is reachable", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains(FakeDataverse.UserId, line.Message, StringComparison.Ordinal);
        Assert.Contains("at most 3 requests at once", line.Message, StringComparison.Ordinal);
        Assert.Equal(3, harness.Throttle.Limit);
    }

    [Fact]
    public async Task Credential_None_is_a_warning()
    {
        await using var harness = DataverseHarness.Create(_fake);

        await harness.RunConnectionCheckAsync();

        Assert.Contains(harness.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("Credential=None", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_403_says_to_create_the_application_user_for_the_client_id_in_the_token()
    {
        _fake.AnswerEverything = (403, "0x80072560", "The user is not a member of the organization.");
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AccessToken(DataverseDestinationTests.Jwt("11111111-2222-3333-4444-555555555555", "99999999-8888-7777-6666-555555555555"), DateTimeOffset.UtcNow.AddHours(1)));
        await using var harness = DataverseHarness.Create(_fake, services: s => s.AddSingleton(new DataverseToken(credential.Object, "scope/.default", TimeProvider.System)));

        await harness.RunConnectionCheckAsync();

        var line = Assert.Single(harness.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("client id 11111111-2222-3333-4444-555555555555", line.Message, StringComparison.Ordinal);
        Assert.Contains("create an application user", line.Message, StringComparison.Ordinal);
        Assert.Contains("security role with Create and Read on Lead", line.Message, StringComparison.Ordinal);
        Assert.Contains("not a member of the organization", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_token_points_at_the_url_and_tenant()
    {
        _fake.RequiredToken = "another audience";
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AccessToken("not it", DateTimeOffset.UtcNow.AddHours(1)));
        await using var harness = DataverseHarness.Create(_fake, services: s => s.AddSingleton(new DataverseToken(credential.Object, "scope/.default", TimeProvider.System)));

        await harness.RunConnectionCheckAsync();

        var line = Assert.Single(harness.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("refused the token (401)", line.Message, StringComparison.Ordinal);
        Assert.Contains("Destinations__Dataverse__Url", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_environment_is_a_warning_and_the_check_ends()
    {
        _fake.Down = true;
        await using var harness = DataverseHarness.Create(_fake, s => s["Destinations:Dataverse:Retries"] = "0");

        await harness.RunConnectionCheckAsync();

        Assert.Contains(harness.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("is not reachable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unusable_settings_are_logged_as_an_error_without_calling_Dataverse()
    {
        await using var harness = DataverseHarness.Create(_fake, s => s["Destinations:Dataverse:Url"] = "contoso");

        await harness.RunConnectionCheckAsync();

        var line = Assert.Single(harness.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("Destinations__Dataverse__Url 'contoso'", line.Message, StringComparison.Ordinal);
        Assert.Contains("poison queue", line.Message, StringComparison.Ordinal);
        Assert.Equal(0, _fake.Requests);
    }
}
