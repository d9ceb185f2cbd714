using System.Text;
using System.Text.Json;
using LeadFunctions.Destinations;
using LeadFunctions.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Moq;

namespace LeadFunctions.Tests.Functions;

/// <summary>
/// ReceiveLead and Health as the worker's ASP.NET Core integration calls them: an <see cref="HttpRequest"/> in, an
/// <see cref="IActionResult"/> out, which the integration executes against the response.
/// </summary>
public sealed class HttpFunctionTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task ReceiveLead_answers_202_with_the_lead_id_once_the_lead_is_queued()
    {
        await using var app = await StartAsync();
        var context = Request(app, RepoPaths.Sample("documented-sample-lead.json"));

        var (status, body) = await ExecuteAsync(await ActivatorUtilities.CreateInstance<ReceiveLead>(app.App.Services).RunAsync(context.Request), context);

        Assert.Equal(StatusCodes.Status202Accepted, status);
        Assert.False(body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(TestLeads.Envelope(RepoPaths.Sample("documented-sample-lead.json")).LeadId, body.GetProperty("leadId").GetString());
        Assert.Equal(1, await TestApp.CountMessagesAsync(app.Queue));
    }

    [Fact]
    public async Task ReceiveLead_answers_problem_details_for_a_body_that_is_not_a_lead_and_queues_nothing()
    {
        await using var app = await StartAsync();
        var context = Request(app, """["not", "a", "lead"]""");

        var (status, body) = await ExecuteAsync(await ActivatorUtilities.CreateInstance<ReceiveLead>(app.App.Services).RunAsync(context.Request), context);

        Assert.Equal(StatusCodes.Status400BadRequest, status);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal("urn:leadfunctions:problem:invalid-lead", body.GetProperty("type").GetString());
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.Queue));
    }

    [Fact]
    public async Task Health_answers_503_and_HealthDetails_names_the_destination_that_is_down()
    {
        var destination = new Mock<ILeadDestination>();
        destination.Setup(d => d.Name).Returns("Fake");
        destination.Setup(d => d.CheckHealthAsync(It.IsAny<CancellationToken>())).ReturnsAsync(HealthCheckResult.Unhealthy("refused"));
        await using var app = await StartAsync(services => services.AddSingleton(destination.Object));

        var summary = Context(app);
        var (status, body) = await ExecuteAsync(await ActivatorUtilities.CreateInstance<Health>(app.App.Services).RunAsync(summary.Request), summary);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Equal("""{"status":"Unhealthy"}""", body.GetRawText());

        var details = Context(app);
        (status, body) = await ExecuteAsync(await ActivatorUtilities.CreateInstance<HealthDetails>(app.App.Services).RunAsync(details.Request), details);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body.GetProperty("destinations").GetProperty("Fake").GetString());
        Assert.DoesNotContain("refused", body.GetRawText(), StringComparison.Ordinal);
        destination.Verify(d => d.CheckHealthAsync(It.IsAny<CancellationToken>()), Times.Once); // one probe answers both
    }

    private static DefaultHttpContext Context(TestApp app)
    {
        var context = new DefaultHttpContext { RequestServices = app.App.Services };
        context.Response.Body = new MemoryStream();
        return context;
    }

    private Task<TestApp> StartAsync(Action<IServiceCollection>? services = null) =>
        TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" }, services);

    private static DefaultHttpContext Request(TestApp app, string json)
    {
        var context = new DefaultHttpContext { RequestServices = app.App.Services };
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        context.Response.Body = new MemoryStream();
        return context;
    }

    /// <summary>What the worker's ASP.NET Core integration does with a function's answer.</summary>
    private static async Task<(int Status, JsonElement Body)> ExecuteAsync(IActionResult result, HttpContext context)
    {
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, (await JsonDocument.ParseAsync(context.Response.Body)).RootElement.Clone());
    }
}
