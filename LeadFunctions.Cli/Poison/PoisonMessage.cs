using System.Text.Json;
using Azure.Storage.Queues.Models;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Cli.Poison;

/// <summary>A message received from the poison queue: its identity, the lease that lets us delete it, and what it holds.</summary>
internal sealed class PoisonMessage
{
    /// <param name="message">A message received as stored, not decoded.</param>
    /// <param name="base64">Whether the app stores messages base64-encoded.</param>
    public PoisonMessage(QueueMessage message, bool base64)
    {
        MessageId = message.MessageId;
        PopReceipt = message.PopReceipt;
        InsertedOn = message.InsertedOn;
        var text = StoredText.Decode(message.MessageText, base64, out var encoded);
        if (encoded && UnreadableMessage.TryParse(text) is { Unreadable: var unreadable })
        {
            // The app's wrapper: the message as it was on the lead queue, and why it could not be read.
            Text = unreadable.Text;
            Decoded = unreadable.Decoded;
            var reason = $"{unreadable.Code}: {unreadable.Reason}" + (unreadable.TextCut > 0 ? $" (the last {unreadable.TextCut} characters of the " +
                "message were cut off to fit the poison queue)" : "");
            var envelope = LeadEnvelope.TryParse(Text, out _);
            Envelope = envelope is null ? null : envelope with
            {
                LastError = envelope.LastError ?? new DeliveryFailure("queue", null, unreadable.Code, unreadable.Reason) { Kind = "poison",
                    At = unreadable.At },
            };
            UnreadableReason = Envelope is null ? reason : null;
            return;
        }

        Text = text;
        Decoded = encoded;
        Envelope = LeadEnvelope.TryParse(Text, out var notAnEnvelope);
        UnreadableReason = Envelope is null
            ? WithoutContent(Text, notAnEnvelope) + (encoded ? "" : " It is not base64-encoded either, as host.json's messageEncoding says it " +
                "should be (the Functions host moves such a message here as it is).")
            : null;
    }

    /// <summary>True: decoded text (replayed encoded); false: text as stored, which could not be decoded (replayed as stored).</summary>
    public bool Decoded { get; }

    public string MessageId { get; }

    /// <summary>The lease of this receive: valid until it runs out or someone else receives the message.</summary>
    internal string PopReceipt { get; }

    public DateTimeOffset? InsertedOn { get; }

    /// <summary>The message text. Holds lead data: shown only on request.</summary>
    public string Text { get; }

    /// <summary>The lead envelope; null when the message is not one this version reads (see <see cref="UnreadableReason"/>).</summary>
    public LeadEnvelope? Envelope { get; }

    public string? UnreadableReason { get; }

    /// <summary>Where the JSON reader stumbled, never its message: that quotes the token, which may be lead data.</summary>
    private static string? WithoutContent(string text, string? reason)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object ? reason : "The message is JSON but not an object " +
                $"({document.RootElement.ValueKind}).";
        }
        catch (JsonException e)
        {
            return $"The message is not JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).";
        }
    }

    /// <summary>
    /// What an operator sees by default: ids, attempts, times, the reason; no lead data. Every text is cleaned and bounded
    /// by <see cref="LogText"/>.
    /// </summary>
    public PoisonMessageView ToView(bool includeLeadData) => new(
        LogText.Id(MessageId)!,
        LogText.Id(Envelope?.LeadId),
        Envelope?.Attempt,
        Envelope?.ReceivedAt,
        Envelope?.ReplayedAt,
        InsertedOn,
        Envelope?.LastError is { } error ? Clean(error) : null,
        LogText.Of(Envelope?.Route),
        Envelope?.Destinations?.Select(d => LogText.Of(d)!).ToList(),
        Envelope is null ? LogText.Of(UnreadableReason, LogText.ReasonLength) : null,
        includeLeadData && Envelope is not null ? Envelope.Lead : null,
        includeLeadData && Envelope is null ? LogText.Of(Text, LogText.MessageTextLength) : null);

    private static DeliveryFailure Clean(DeliveryFailure error) => error with
    {
        Destination = LogText.Of(error.Destination, LogText.LeadValueLength)!,
        Code = LogText.Of(error.Code, LogText.LeadValueLength),
        Message = LogText.Of(error.Message, LogText.ReasonLength)!,
        Kind = LogText.Of(error.Kind, LogText.LeadValueLength),
    };
}
