using System.Globalization;
using System.Text.Json;
using LeadFunctions.Testing.StandInHost.Protocol;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>
/// Builds the invocation data the host sends for a Storage queue trigger. The message
/// goes as a string (the binding's dataType is "String" for a string parameter); the
/// trigger metadata is the binding data of QueueTriggerBinding, converted the way the
/// host's ToRpc does: strings stay strings, everything else (long, DateTimeOffset) is JSON.
/// </summary>
internal static class QueueTriggerData
{
    public static TypedData Message(string messageText) => new() { String = messageText };

    public static Dictionary<string, TypedData> Metadata(
        string messageText,
        long dequeueCount,
        string id,
        string popReceipt,
        DateTimeOffset insertionTime)
    {
        return new Dictionary<string, TypedData>
        {
            ["QueueTrigger"] = new() { String = messageText },
            ["DequeueCount"] = new() { Json = dequeueCount.ToString(CultureInfo.InvariantCulture) },
            ["ExpirationTime"] = Json(insertionTime.AddDays(7)),
            ["Id"] = new() { String = id },
            ["InsertionTime"] = Json(insertionTime),
            ["NextVisibleTime"] = Json(insertionTime.AddMinutes(10)),
            ["PopReceipt"] = new() { String = popReceipt },
        };
    }

    private static TypedData Json(DateTimeOffset value) => new() { Json = JsonSerializer.Serialize(value) };
}
