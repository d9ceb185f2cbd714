namespace LeadFunctions.Destinations.Limits;

/// <summary>
/// When each request answered other than <c>429</c> was sent (the server counted it then), over the longest window:
/// what a pace is learned from. At most 65,536 are remembered (a lower count gives a lower, safe rate).
/// </summary>
internal sealed class Answers
{
    private const int MaxRemembered = 1 << 16;

    private readonly Lock _lock = new();
    private readonly Queue<long> _sentUtcTicks = new();

    public void Add(long sentUtcTicks, long nowUtcTicks)
    {
        lock (_lock)
        {
            while (_sentUtcTicks.Count > 0 && (_sentUtcTicks.Count >= MaxRemembered || _sentUtcTicks.Peek() <= nowUtcTicks - PaceLearning.LongestWindow.Ticks))
            {
                _sentUtcTicks.Dequeue();
            }

            _sentUtcTicks.Enqueue(sentUtcTicks);
        }
    }

    /// <summary>The answers to requests sent after <paramref name="fromUtcTicks"/> and up to <paramref name="toUtcTicks"/>.</summary>
    public int Count(long fromUtcTicks, long toUtcTicks)
    {
        lock (_lock) return _sentUtcTicks.Count(t => t > fromUtcTicks && t <= toUtcTicks);
    }
}
