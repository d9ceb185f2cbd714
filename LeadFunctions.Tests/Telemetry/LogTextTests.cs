using LeadFunctions.Telemetry;

namespace LeadFunctions.Tests.Telemetry;

/// <summary>The one helper that cleans and bounds every outside value before a log line or the CLI shows it.</summary>
public sealed class LogTextTests
{
    [Theory]
    [InlineData("a\r\nb", "a??b")]
    [InlineData("\u001b[2Jx", "?[2Jx")]
    [InlineData("pair 🚀 kept", "pair 🚀 kept")]
    [InlineData("bidi \u202e override", "bidi ? override")]
    public void Control_format_and_lone_surrogate_characters_are_replaced(string value, string expected) =>
        Assert.Equal(expected, LogText.Of(value, 100));

    [Fact]
    public void Lone_surrogates_are_replaced_and_pairs_kept()
    {
        // Built here, not in [InlineData]: the test runner cannot pass a lone surrogate through as it is.
        Assert.Equal("lone ? high", LogText.Of("lone " + '\ud800' + " high", 100));
        Assert.Equal("lone ? low", LogText.Of("lone " + '\udc00' + " low", 100));
        Assert.Equal("?? reversed", LogText.Of(string.Concat('\udc00', '\ud800') + " reversed", 100));
        Assert.Equal("pair \ud83d\ude80", LogText.Of("pair \ud83d\ude80", 100));
    }

    [Fact]
    public void Values_are_cut_to_their_bound_with_an_ellipsis()
    {
        var id = LogText.Of(new string('a', 2_000), 64)!;

        Assert.Equal(65, id.Length);
        Assert.EndsWith("…", id, StringComparison.Ordinal);
    }
}
