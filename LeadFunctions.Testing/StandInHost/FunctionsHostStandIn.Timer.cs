using LeadFunctions.Testing.StandInHost.Protocol;

namespace LeadFunctions.Testing.StandInHost;

public sealed partial class FunctionsHostStandIn
{
    /// <summary>
    /// Invokes a timer-triggered function as the host does when its schedule fires: the trigger parameter gets the
    /// timer's state (<see cref="TimerTriggerData"/>) and there is no trigger metadata.
    /// </summary>
    public Task<InvocationOutcome> InvokeTimerAsync(string functionName, CancellationToken cancellationToken = default)
    {
        FunctionInfo function = GetFunction(functionName, "timerTrigger");
        InvocationRequest invocation = NewInvocation(function);
        invocation.InputData.Add(new ParameterBinding { Name = function.Trigger.Name, Data = TimerTriggerData.Info(DateTimeOffset.UtcNow) });
        return InvokeAsync(invocation, $"timer function '{function.Name}'", cancellationToken);
    }
}
