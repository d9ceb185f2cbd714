namespace LeadFunctions.Delivery;

/// <summary>A queue message as either host hands it over: its text and how often it has been dequeued.</summary>
public sealed record QueuedMessage(string Text, long DequeueCount, string? MessageId);
