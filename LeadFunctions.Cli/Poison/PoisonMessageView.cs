using System.Text.Json;
using LeadFunctions.Delivery;
using LeadFunctions.Leads;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Cli.Poison;

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
    string? Route,
    IReadOnlyList<string>? Destinations,
    string? Unreadable,
    JsonElement? Lead,
    string? MessageText);
