using LeadFunctions.Telemetry;

namespace LeadFunctions.Tests.Telemetry;

/// <summary>Offer, source and action name metric time series: each value is cleaned, bounded, and never an address.</summary>
public sealed class BoundedDimensionTests
{
    [Theory]
    [InlineData("contoso.analytics", "contoso.analytics")]
    [InlineData("  Contoso Analytics (Preview)\r\n", "Contoso Analytics Preview")]
    [InlineData("Contoso\u202Eevil\u0007", "Contosoevil")]
    [InlineData("someone@contoso.com", BoundedDimension.Other)]
    [InlineData("", BoundedDimension.None)]
    [InlineData("()!", BoundedDimension.None)]
    [InlineData(null, BoundedDimension.None)]
    public void A_value_keeps_letters_digits_space_and_dot_dash_underscore_only(string? raw, string expected) =>
        Assert.Equal(expected, new BoundedDimension().Of(raw));

    [Fact]
    public void A_long_value_is_cut_and_spellings_that_differ_in_case_are_one_value()
    {
        var offers = new BoundedDimension();

        Assert.Equal(new string('x', BoundedDimension.MaxLength), offers.Of(new string('x', 500)));
        Assert.Equal("INS", offers.Of("INS"));
        Assert.Equal("INS", offers.Of("ins"));
    }

    [Fact]
    public void After_the_most_distinct_values_new_ones_are_other_and_known_ones_stay()
    {
        var offers = new BoundedDimension();
        for (var i = 0; i < BoundedDimension.MaxValues; i++) Assert.Equal($"offer{i}", offers.Of($"offer{i}"));

        Assert.Equal(BoundedDimension.Other, offers.Of("one too many"));
        Assert.Equal("offer0", offers.Of("offer0"));
    }
}
