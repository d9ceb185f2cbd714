namespace LeadFunctions.Storage;

/// <summary>The message would be larger than a queue message may be; storage would refuse it, so it is not sent.</summary>
public sealed class LeadTooLargeException(int size, int limit)
    : InvalidOperationException($"The queue message would be {size} bytes once encoded; it may be at most {limit}.")
{
    public int Size { get; } = size;
}
