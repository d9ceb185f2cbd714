namespace LeadFunctions.Delivery;

public sealed record DeliveryRecord(string LeadId, string Destination, DateTimeOffset DeliveredAt, DateTimeOffset ReceivedAt, int Attempt,
    bool AlreadyThere);
