using System.Text.Json.Serialization;

namespace LeadFunctions.Leads;

/// <summary>
/// The queue message (docs/design.md, "The queue message"): one lead per message, written by ReceiveLead, read by ProcessLead.
/// <see cref="Lead"/> is the payload exactly as it was posted; it is normalised again on delivery.
/// </summary>
public sealed record LeadEnvelope
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("v")]
    public int Version { get; init; } = CurrentVersion;

    public required string LeadId { get; init; }

    /// <summary>When ReceiveLead accepted the lead; the delivery's maximum age counts from here.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>1 for the first delivery attempt; each re-scheduled message carries the next number.</summary>
    public int Attempt { get; init; } = 1;

    public required JsonElement Lead { get; init; }

    public DeliveryFailure? LastError { get; init; }

    /// <summary>
    /// When a re-scheduled message becomes visible for its next attempt. A lead waits for delivery from then, not from
    /// when the message was written (docs/operate.md, "Pipeline gauges").
    /// </summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>W3C trace context of the intake request, so delivery continues the same trace.</summary>
    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }

    /// <summary>
    /// The destinations this message is still for; absent means every configured one. Set when a lead's destinations
    /// part ways (a retry for some, poison for one), so neither a retry nor a replay goes where the lead already is.
    /// </summary>
    public IReadOnlyList<string>? Destinations { get; init; }

    /// <summary>The route that chose <see cref="Destinations"/> when the lead was first processed (docs/destinations.md, "Routes").</summary>
    public string? Route { get; init; }

    /// <summary>What messages written before version 1.x called <see cref="Destinations"/>: read, never written.</summary>
    [JsonPropertyName("targets")]
    public IReadOnlyList<string>? OldDestinations
    {
        get => null;
        init => Destinations ??= value;
    }

    /// <summary>When the lead was last replayed from the poison queue; the maximum age then counts from here.</summary>
    public DateTimeOffset? ReplayedAt { get; init; }

    /// <summary>The time the delivery's maximum age counts from.</summary>
    [JsonIgnore]
    public DateTimeOffset DeliveryStartedAt => ReplayedAt ?? ReceivedAt;

    /// <summary>
    /// The envelope to put back on the lead queue when replaying it from the poison queue: attempts start over. It keeps
    /// its recorded destinations, or, with <paramref name="reroute"/>, forgets them to be routed under today's rules.
    /// </summary>
    public LeadEnvelope ForReplay(DateTimeOffset now, bool reroute = false) =>
        reroute ? this with { Attempt = 1, ReplayedAt = now, Route = null, Destinations = null } : this with { Attempt = 1, ReplayedAt = now };

    public string ToJson() => JsonSerializer.Serialize(this, LeadJsonContext.Default.LeadEnvelope);

    /// <summary>
    /// Reads a queue message; null (with the reason) when it is not an envelope this version understands: not JSON,
    /// another version, a lead id not of the form the app gives (<see cref="LeadIdentity.IsWellFormed"/>), destination
    /// names that are not plain names, no lead object, or a lead that cannot be written as JSON again (a lone
    /// surrogate escape: such an envelope could be neither re-scheduled, nor poisoned with its reason, nor replayed).
    /// So every value of an envelope that is read can be logged and written without surprises.
    /// </summary>
    public static LeadEnvelope? TryParse(string text, out string? reason)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize(text, LeadJsonContext.Default.LeadEnvelope);
            reason = envelope switch
            {
                null => "The message is JSON null.",
                { Version: not CurrentVersion } => $"Envelope version {envelope.Version} is not supported by this version of the app (it reads " +
                    $"version {CurrentVersion}).",
                { LeadId.Length: 0 } => "The envelope has no lead id.",
                { LeadId: var id } when !LeadIdentity.IsWellFormed(id) => $"The envelope's lead id is not one the app gives ({LeadIdentity.Length} " +
                    "lowercase hexadecimal characters).",
                { Destinations: { } names } when !names.All(IsPlainName) => "The envelope's destinations are not destination names.",
                { Route: { } route } when !IsPlainName(route) => "The envelope's route is not a route name.",
                { Lead.ValueKind: not JsonValueKind.Object } => "The envelope has no lead object.",
                _ => Unwritable(envelope),
            };
            return reason is null ? envelope : null;
        }
        catch (JsonException e)
        {
            // Position only: the parser's own message can quote the text it could not read, which may be lead data.
            reason = $"The message is not a lead envelope: invalid JSON or field types at {e.Path ?? "$"} (line {e.LineNumber + 1}, byte " +
                $"{e.BytePositionInLine + 1}).";
            return null;
        }
    }

    private static bool IsPlainName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string? Unwritable(LeadEnvelope envelope)
    {
        try
        {
            _ = envelope.ToJson();
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or JsonException)
        {
            return "The lead holds text that is not Unicode (a lone surrogate escape such as \\ud800): it cannot be written as JSON again, so it " +
                "cannot be delivered, re-scheduled or replayed.";
        }
    }
}
