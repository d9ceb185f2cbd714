using System.Text;
using LeadFunctions.Leads;

namespace LeadFunctions.Tests.Leads;

/// <summary>The wrapper that keeps a message the app could not read in the poison queue, with its reason beside it.</summary>
public sealed class UnreadableMessageTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 6, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_wrapper_reads_back_with_its_text_and_reason_unchanged()
    {
        var message = UnreadableMessage.Of("plain \"text\"\r\n\u001b", decoded: false, UnreadableMessage.NotEncoded, "not base64", "m1", 2, At);

        var read = UnreadableMessage.TryParse(message.ToJson());

        Assert.Equal(message.Unreadable, read!.Unreadable);
    }

    [Fact]
    public void A_text_too_long_to_fit_one_queue_message_beside_its_reason_is_cut_and_says_by_how_much()
    {
        var text = new string('"', 60_000);   // each one escaped: far more than 64 KB once written and encoded
        var message = UnreadableMessage.Of(text, decoded: false, UnreadableMessage.NotEncoded, "not base64", "m1", 1, At);

        var json = message.ToJson(64 * 1024, base64: true);

        Assert.InRange((Encoding.UTF8.GetByteCount(json) + 2) / 3 * 4, 1, 64 * 1024);
        var read = UnreadableMessage.TryParse(json)!.Unreadable;
        Assert.True(read.TextCut > 0);
        Assert.Equal(text.Length, read.Text.Length + read.TextCut);
        Assert.StartsWith(read.Text, text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_envelope_or_other_JSON_is_not_a_wrapper()
    {
        Assert.Null(UnreadableMessage.TryParse("""{"v":1,"leadId":"x"}"""));
        Assert.Null(UnreadableMessage.TryParse("""{"unreadable":"no"}"""));
        Assert.Null(UnreadableMessage.TryParse("not json"));
    }
}
