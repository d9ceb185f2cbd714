using System.Text.Json;
using Azure.Storage.Queues.Models;
using LeadFunctions.Delivery;
using LeadFunctions.Leads;
using LeadFunctions.Storage;

namespace LeadFunctions.Cli.Poison;

/// <summary>A message received from the poison queue: its queue identity, the lease that lets us delete it, and what it holds.</summary>
internal sealed class PoisonMessage
{
    /// <param name="message">A message received as stored, not decoded.</param>
    /// <param name="base64">Whether the app stores messages base64-encoded.</param>
    public PoisonMessage(QueueMessage message, bool base64)
    {
        MessageId = message.MessageId;
        PopReceipt = message.PopReceipt;
        InsertedOn = message.InsertedOn;
        Text = StoredText.Decode(message.MessageText, base64, out var encoded);
        Envelope = LeadEnvelope.TryParse(Text, out var reason);
        UnreadableReason = Envelope is null
            ? WithoutContent(Text, reason) + (encoded ? "" : " It is not base64-encoded either, as host.json's messageEncoding says it should be.")
            : null;
    }

    public string MessageId { get; }

    /// <summary>The lease of this receive: valid until it runs out or someone else receives the message.</summary>
    internal string PopReceipt { get; }

    /// <summary>When the message was put on the poison queue.</summary>
    public DateTimeOffset? InsertedOn { get; }

    /// <summary>The message text. Holds lead data: shown only on request.</summary>
    public string Text { get; }

    /// <summary>The lead envelope; null when the message is not one this version reads (see <see cref="UnreadableReason"/>).</summary>
    public LeadEnvelope? Envelope { get; }

    public string? UnreadableReason { get; }

    /// <summary>
    /// The reason, without any of the message's text: the JSON reader's own messages quote the token they stumbled
    /// on, which may be lead data. Only where it stumbled is kept.
    /// </summary>
    private static string? WithoutContent(string text, string? reason)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? reason : $"The message is JSON but not an object ({document.RootElement.ValueKind}).";
        }
        catch (JsonException e)
        {
            return $"The message is not JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).";
        }
    }

    /// <summary>What an operator may see of it by default: ids, attempts, times, the reason. No lead data.</summary>
    public PoisonMessageView ToView(bool includeLeadData) => new(
        MessageId,
        Envelope?.LeadId,
        Envelope?.Attempt,
        Envelope?.ReceivedAt,
        Envelope?.ReplayedAt,
        InsertedOn,
        Envelope?.LastError,
        Envelope is null ? UnreadableReason : null,
        includeLeadData && Envelope is not null ? Envelope.Lead : null,
        includeLeadData && Envelope is null ? Text : null);
}

/// <param name="Unreadable">Why the message is not a lead envelope this version reads; null for an envelope.</param>
/// <param name="Lead">The lead as it was posted; only with <c>--include-lead-data</c>.</param>
/// <param name="MessageText">The raw text of a message that is not an envelope; only with <c>--include-lead-data</c>.</param>
internal sealed record PoisonMessageView(
    string MessageId,
    string? LeadId,
    int? Attempts,
    DateTimeOffset? ReceivedAt,
    DateTimeOffset? ReplayedAt,
    DateTimeOffset? PoisonedAt,
    DeliveryFailure? LastError,
    string? Unreadable,
    JsonElement? Lead,
    string? MessageText);
