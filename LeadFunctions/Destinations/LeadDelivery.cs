using LeadFunctions.Leads;

namespace LeadFunctions.Destinations;

/// <summary>One lead to deliver, with the identity and time that make the record key and its creation time.</summary>
public sealed record LeadDelivery(string LeadId, Lead Lead, DateTimeOffset ReceivedAt, int Attempt);
