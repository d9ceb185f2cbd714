using System.Text.Json.Serialization;

namespace LeadFunctions.Leads;

/// <summary>What <see cref="UnreadableMessage"/> keeps: why, when, where from, and the message text.</summary>
public sealed record UnreadableDetails
{
    public required string Code { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset At { get; init; }

    public string? MessageId { get; init; }

    public long DequeueCount { get; init; }

    public required string Text { get; init; }

    /// <summary>Whether <see cref="Text"/> is the decoded text (replayed encoded) or as stored.</summary>
    public bool Decoded { get; init; }

    /// <summary>How many characters were cut off the end of <see cref="Text"/> to fit one queue message; 0 when it is whole.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int TextCut { get; init; }
}
