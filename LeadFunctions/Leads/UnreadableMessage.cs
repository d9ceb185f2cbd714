namespace LeadFunctions.Leads;

/// <summary>A message kept as it was, with the reason beside it (docs/design.md, "The queue message").</summary>
public sealed record UnreadableMessage
{
    /// <summary>The message is not in the encoding host.json's <c>messageEncoding</c> says (not base64).</summary>
    public const string NotEncoded = "NotEncoded";

    /// <summary>The message is not a lead envelope this version reads (<see cref="LeadEnvelope.TryParse"/> says why).</summary>
    public const string NotAnEnvelope = "NotAnEnvelope";

    /// <summary>The message failed, or stopped the process, on every dequeue up to host.json's <c>maxDequeueCount</c>.</summary>
    public const string DequeueCountExceeded = "DequeueCountExceeded";

    public required UnreadableDetails Unreadable { get; init; }

    public static UnreadableMessage Of(string text, bool decoded, string code, string reason, string? messageId, long dequeueCount,
        DateTimeOffset at) => new()
    {
        Unreadable = new UnreadableDetails
        {
            Code = code,
            Reason = reason,
            At = at,
            MessageId = messageId,
            DequeueCount = dequeueCount,
            Text = text,
            Decoded = decoded,
        },
    };

    public string ToJson()
    {
        try
        {
            return JsonSerializer.Serialize(this, UnreadableJsonContext.Default.UnreadableMessage);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Text that is not Unicode (a lone surrogate): kept with U+FFFD in its place, the reason still beside it.
            var text = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(Unreadable.Text));
            return JsonSerializer.Serialize(this with { Unreadable = Unreadable with { Text = text } },
                UnreadableJsonContext.Default.UnreadableMessage);
        }
    }

    /// <summary>Whole when it fits, else with the end of its text cut off (only another writer's message can need that).</summary>
    public string ToJson(int maxBytes, bool base64)
    {
        var message = this;
        while (true)
        {
            var json = message.ToJson();
            var size = Encoding.UTF8.GetByteCount(json);
            if (base64) size = (size + 2) / 3 * 4;
            var text = message.Unreadable.Text;
            if (size <= maxBytes || text.Length == 0) return json;

            // Cut in proportion to the excess, and a little more, until it fits (escaping makes bytes per character vary).
            var keep = (int)Math.Max(0, text.Length - ((long)text.Length * (size - maxBytes) / size) - 64);
            if (keep > 0 && char.IsHighSurrogate(text[keep - 1])) keep--;
            message = message with
            {
                Unreadable = message.Unreadable with { Text = text[..keep], TextCut = message.Unreadable.TextCut + (text.Length - keep) },
            };
        }
    }

    public static UnreadableMessage? TryParse(string text)
    {
        if (!text.StartsWith("{\"unreadable\":", StringComparison.Ordinal)) return null;
        try
        {
            return JsonSerializer.Deserialize(text, UnreadableJsonContext.Default.UnreadableMessage) is { Unreadable: { Code: not null,
                Text: not null } } message ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
