using LeadFunctions.Telemetry;

namespace LeadFunctions.Delivery;

/// <summary>Another receipt of this queue message is taking the step right now: this one is released and comes back later.</summary>
public sealed class StepUnderWayException(string step)
    : Exception($"Another copy of this queue message is taking the step '{step}' right now; this copy comes back later.");
