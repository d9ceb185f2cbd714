using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using LeadFunctions.Delivery;
using Microsoft.Extensions.DependencyInjection;

namespace LeadFunctions.Tests.EndToEnd;

/// <summary>A lead posted over HTTP ends up as a row in the MarketplaceLeads table, through the real queue, in standalone mode.</summary>
public sealed class StandaloneEndToEndTests(Azurite azurite) : IClassFixture<Azurite>
{
    [Fact]
    public async Task Documented_sample_lead_becomes_a_table_row_with_Partner_Center_columns()
    {
        await using var app = await TestApp.StartAsync(azurite);

        var response = await app.PostLeadAsync(RepoPaths.Sample("documented-sample-lead.json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var leadId = (await response.JsonAsync()).GetProperty("leadId").GetString()!;
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1), "the lead never reached the table");

        var row = (await app.Table.GetEntityAsync<TableEntity>(leadId[..2], leadId)).Value;
        Assert.Equal(leadId, row.GetString("LeadId"));
        Assert.Equal("AzureMarketplace", row.GetString("LeadSource"));
        Assert.Equal("INS", row.GetString("ActionCode"));
        Assert.Equal("Test Microsoft", row.GetString("OfferDisplayName"));
        Assert.Equal("Test run through Power Automate", row.GetString("Description"));
        Assert.NotNull(row.GetDateTimeOffset("CreatedTime"));
        using var customer = JsonDocument.Parse(row.GetString("CustomerInfo"));
        Assert.Equal("someone@contoso.com", customer.RootElement.GetProperty("Email").GetString());
        Assert.Equal("Contoso", customer.RootElement.GetProperty("Company").GetString());
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0));

        var journal = app.App.Services.GetRequiredService<DeliveryJournal>();
        var record = Assert.Single(await journal.SinceAsync(DateTimeOffset.UtcNow.AddHours(-1)).ToListAsync());
        Assert.Equal((leadId, "Table", 1, false), (record.LeadId, record.Destination, record.Attempt, record.AlreadyThere));
    }

    [Fact]
    public async Task Same_lead_posted_twice_is_one_row_and_the_second_answer_says_duplicate()
    {
        await using var app = await TestApp.StartAsync(azurite);
        var lead = RepoPaths.Sample("documented-sample-lead.json");

        var first = await (await app.PostLeadAsync(lead)).JsonAsync();
        Assert.True(await TestApp.EventuallyAsync(async () => await app.CountRowsAsync() == 1));
        var second = await (await app.PostLeadAsync(lead.Replace("\"UserDetails\"", "\"userdetails\"", StringComparison.Ordinal))).JsonAsync();

        Assert.Equal(first.GetProperty("leadId").GetString(), second.GetProperty("leadId").GetString());
        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.True(second.GetProperty("duplicate").GetBoolean());
        Assert.True(await TestApp.EventuallyAsync(async () => await TestApp.CountMessagesAsync(app.Queue) == 0));
        Assert.Equal(1, await app.CountRowsAsync());
        Assert.Equal(0, await TestApp.CountMessagesAsync(app.PoisonQueue));
    }
}
