namespace LeadFunctions.Storage;

/// <summary>Wakes the standalone queue listener when a lead was just enqueued, so a lead does not wait for the next poll.</summary>
public sealed class LeadQueueSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Volatile.Read(ref _next).Task.WaitAsync(timeout, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
}
