using System.Globalization;
using LeadFunctions.Destinations.Limits.Fleet;
using LeadFunctions.Settings;

namespace LeadFunctions.Tests.Destinations.Limits;

/// <summary>The fleet settings' checks: each problem a sentence naming the setting, all of them at once.</summary>
public sealed class FleetOptionsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.Empty(ValidatedOptions.ProblemsOf(new FleetOptions()));
    }

    [Theory]
    [InlineData("00:00:00", "00:00:10", "CrmFleet", "Destinations__Fleet__RenewEvery must be positive.")]
    [InlineData("00:00:01", "00:00:02", "CrmFleet", "Destinations__Fleet__MemberTimeout must be at least three times Destinations__Fleet__RenewEvery.")]
    [InlineData("00:00:01", "00:00:10", "1fleet", "Destinations__Fleet__TableName '1fleet' is not a table name")]
    [InlineData("00:00:01", "00:00:10", "crm-fleet", "Destinations__Fleet__TableName 'crm-fleet' is not a table name")]
    public void A_wrong_value_is_reported_naming_the_setting(string renewEvery, string memberTimeout, string tableName, string problem)
    {
        var options = new FleetOptions { RenewEvery = TimeSpan.Parse(renewEvery, CultureInfo.InvariantCulture), MemberTimeout = TimeSpan.Parse(memberTimeout, CultureInfo.InvariantCulture), TableName = tableName };

        Assert.StartsWith(problem, Assert.Single(ValidatedOptions.ProblemsOf(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_attribute_that_fails_does_not_hide_the_other_checks()
    {
        var problems = ValidatedOptions.ProblemsOf(new FleetOptions { RenewEvery = TimeSpan.FromSeconds(-1), TableName = "x" });

        Assert.Equal(2, problems.Count);
        Assert.Contains("Destinations__Fleet__RenewEvery must be positive.", problems);
        Assert.Contains(problems, p => p.StartsWith("Destinations__Fleet__TableName 'x'", StringComparison.Ordinal));
    }
}
