using Microsoft.AspNetCore.Connections;
using Microsoft.Net.Http.Headers;

namespace LeadFunctions.Intake;

/// <summary>A request body as read: its bytes, or why they could not be read.</summary>
public readonly record struct BodyRead(byte[]? Bytes, BodyFailure Failure)
{
    public static BodyRead Failed(BodyFailure failure) => new(null, failure);
}
