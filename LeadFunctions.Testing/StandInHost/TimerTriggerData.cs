using System.Text.Json;
using LeadFunctions.Testing.StandInHost.Protocol;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>
/// The invocation data the host sends for a timer trigger: its TimerInfo (schedule status, past due) as JSON, which
/// the worker binds to the function's <c>TimerInfo</c> parameter.
/// </summary>
internal static class TimerTriggerData
{
    public static TypedData Info(DateTimeOffset firedAt) => new()
    {
        Json = JsonSerializer.Serialize(new
        {
            Schedule = new { AdjustForDST = true },
            ScheduleStatus = new { Last = firedAt.AddMinutes(-1), Next = firedAt.AddMinutes(1), LastUpdated = firedAt.AddMinutes(-1) },
            IsPastDue = false,
        }),
    };
}
