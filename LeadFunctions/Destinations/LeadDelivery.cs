using LeadFunctions.Leads;

namespace LeadFunctions.Destinations;

public sealed record LeadDelivery(string LeadId, Lead Lead, DateTimeOffset ReceivedAt, int Attempt);
