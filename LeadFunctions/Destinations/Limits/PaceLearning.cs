using static LeadFunctions.Destinations.Limits.DestinationThrottle;

namespace LeadFunctions.Destinations.Limits;

/// <summary>
/// How a pace is learned from a <c>429</c> and how it grows afterwards: the rules one
/// <see cref="DestinationThrottle"/> applies to its own answers, and the fleet (<see cref="Fleet.FleetRules"/>) to the
/// answers of every instance. Times are UTC ticks; a pace is requests per second.
/// </summary>
internal static class PaceLearning
{
    /// <summary>
    /// How far back answers are counted: the <c>Retry-After</c> (taken as the server's window) on the first <c>429</c>;
    /// while paced, everything since the pace began (a short <c>Retry-After</c> — the time until the oldest request
    /// leaves the server's window — would undercount); within <see cref="ShortestWindow"/> and <see cref="LongestWindow"/>.
    /// </summary>
    public static long LookBack(double? current, TimeSpan retryAfter, long now, long paceSince)
    {
        var lookBack = current is null ? retryAfter.Ticks : Math.Max(retryAfter.Ticks, now - paceSince);
        return Math.Clamp(lookBack, ShortestWindow.Ticks, LongestWindow.Ticks);
    }

    /// <summary>
    /// The pace after a <c>429</c>: <see cref="PaceMargin"/> of the rate answered within the look-back, never faster
    /// than <paramref name="current"/> (the pace that drew it); with fewer than <see cref="MinAnswersToLearn"/> answers,
    /// <paramref name="current"/> lowered by the margin (and none without a current pace).
    /// </summary>
    public static double? Learn(double? current, int answered, long lookBack)
    {
        double? learned = answered >= MinAnswersToLearn ? PaceMargin * answered * TimeSpan.TicksPerSecond / lookBack : PaceMargin * current;
        if (learned is not { } pace) return null;
        return current is { } previous ? Math.Min(pace, previous) : pace;
    }

    /// <summary>The server's window as learned so far: the longest <c>Retry-After</c> seen, within the bounds.</summary>
    public static long Window(long window, TimeSpan retryAfter) => Math.Max(window, Math.Clamp(retryAfter.Ticks, ShortestWindow.Ticks, LongestWindow.Ticks));

    /// <summary>
    /// <paramref name="pace"/> grown by 1 % per <see cref="WindowsPerStep"/> windows since <paramref name="since"/>, so a
    /// raised limit is found again; null when there is none or it has grown past any use.
    /// </summary>
    public static double? Grown(double? pace, long now, long since, long window)
    {
        if (pace is not { } learned || window <= 0) return null;
        var steps = Math.Max(0, now - since) / (double)(window * WindowsPerStep);
        var grown = learned * Math.Pow(Growth, steps);
        return grown < 1e6 ? grown : null;
    }

    /// <summary>How many turns a <paramref name="pace"/> growing as <see cref="Grown"/> gives in the first <paramref name="ticks"/> after it began.</summary>
    public static double TurnsWithin(double pace, long window, double ticks)
    {
        var perTick = pace / TimeSpan.TicksPerSecond;
        var step = (double)window * WindowsPerStep;
        return ticks <= 0 ? ticks * perTick : perTick * step / Math.Log(Growth) * (Math.Pow(Growth, ticks / step) - 1);
    }

    /// <summary>The inverse of <see cref="TurnsWithin"/>: how many ticks after the pace began its turn number <paramref name="turns"/> comes.</summary>
    public static double TicksUntil(double pace, long window, double turns)
    {
        var perTick = pace / TimeSpan.TicksPerSecond;
        var step = (double)window * WindowsPerStep;
        return turns <= 0 ? turns / perTick : step * Math.Log(1 + (turns * Math.Log(Growth) / (perTick * step)), Growth);
    }

    /// <summary>A pace grows by 1 % per <see cref="WindowsPerStep"/> windows.</summary>
    private const double Growth = 1.01;
}
