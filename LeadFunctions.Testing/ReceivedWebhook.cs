namespace LeadFunctions.Testing;

/// <summary>One request a <see cref="FakeWebhookReceiver"/> received: the Standard Webhooks headers, the body as sent, and the answer.</summary>
public sealed record ReceivedWebhook(
    string Path, string? Id, string? Timestamp, string? Signature, string? ContentType, string Body, string? Authorization, int Status);
