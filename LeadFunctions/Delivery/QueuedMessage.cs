namespace LeadFunctions.Delivery;

public sealed record QueuedMessage(string Text, long DequeueCount, string? MessageId);
