using LeadFunctions.Destinations.Dataverse;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Tests.Destinations.Dataverse;

public sealed class DataverseSettingsTests
{
    private static DataverseSettings Settings(Action<DataverseOptions> configure)
    {
        var options = new DataverseOptions();
        configure(options);
        return new DataverseSettings(Options.Create(options));
    }

    [Theory]
    [InlineData("https://contoso.crm.dynamics.com")]
    [InlineData("https://contoso.crm4.dynamics.com/")]
    [InlineData("https://contoso.crm.dynamics.com/api/data/v9.2/")]
    public void Environment_url_gives_the_web_api_root_and_the_token_scope(string url)
    {
        var settings = Settings(o => o.Url = url);

        Assert.Null(settings.Problem);
        var host = new Uri(url).Host;
        Assert.Equal(new Uri($"https://{host}/api/data/v9.2/"), settings.ApiRoot);
        Assert.Equal($"https://{host}/.default", settings.Scope);
    }

    [Theory]
    [InlineData(null, "Destinations__Dataverse__Url is missing")]
    [InlineData("contoso.crm.dynamics.com", "not an absolute https URL")]
    [InlineData("http://contoso.crm.dynamics.com", "must use https")]
    [InlineData("https://contoso.crm.dynamics.com/main.aspx", "has a path")]
    public void A_wrong_url_is_reported_in_words(string? url, string problem)
    {
        Assert.Contains(problem, Settings(o => o.Url = url).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_is_accepted_only_on_this_machine_for_emulators()
    {
        Assert.Null(Settings(o => o.Url = "http://127.0.0.1:5555").Problem);
    }

    [Fact]
    public void ClientSecret_needs_tenant_client_and_secret()
    {
        var problem = Settings(o =>
        {
            o.Url = "https://contoso.crm.dynamics.com";
            o.Credential = DataverseCredential.ClientSecret;
            o.ClientId = "11111111-2222-3333-4444-555555555555";
        }).Problem;

        Assert.Contains("Destinations__Dataverse__TenantId is required", problem, StringComparison.Ordinal);
        Assert.Contains("Destinations__Dataverse__ClientSecret is required", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("ClientId is required", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(53)]
    public void Concurrency_stays_within_the_service_protection_limit(int concurrency)
    {
        var problem = Settings(o =>
        {
            o.Url = "https://contoso.crm.dynamics.com";
            o.MaxConcurrency = concurrency;
        }).Problem;

        Assert.Contains("Destinations__Dataverse__MaxConcurrency must be between 1 and 52", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var problem = Settings(o =>
        {
            o.Timeout = TimeSpan.Zero;
            o.Mapping["new offer"] = "OfferTitle";
        }).Problem;

        Assert.Contains("Destinations__Dataverse__Url", problem, StringComparison.Ordinal);
        Assert.Contains("Destinations__Dataverse__Timeout", problem, StringComparison.Ordinal);
        Assert.Contains("Destinations__Dataverse__Mapping__new offer", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_follow_the_design()
    {
        var options = new DataverseOptions();

        Assert.Equal(DataverseCredential.Default, options.Credential);
        Assert.Equal(8, options.MaxConcurrency);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Timeout);
        Assert.Equal(8, options.LeadSourceCode);
        Assert.True(options.SuppressDuplicateDetection);
    }

    [Fact]
    public void The_sample_local_settings_are_valid_Dataverse_settings()
    {
        var settings = new DataverseSettings(Options.Create(RepoPaths.SampleSettings<DataverseOptions>(DataverseOptions.Section)));

        Assert.Null(settings.Problem);
        Assert.Equal(DataverseCredential.Default, settings.Options.Credential);
        Assert.Equal(new Uri("https://contoso.crm.dynamics.com/api/data/v9.2/"), settings.ApiRoot);
    }
}
