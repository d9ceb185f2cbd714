namespace LeadFunctions.Destinations.Limits;

/// <summary>Alone or in a fleet (docs/design.md, "D6. Many instances, one CRM limit"). Times are UTC ticks.</summary>
internal static class PaceLearning
{
    // Paced at 95 % of the rate answered (the margin absorbs jitter on the way); growing 1 % per four windows without a
    // 429; learned from no fewer than 10 answers; forgotten after four idle windows; a Retry-After taken as 1 s to 5 min.
    public const double PaceMargin = 0.95;
    public const int WindowsPerStep = 4;
    public const int MinAnswersToLearn = 10;
    public const int IdleWindowsToForget = 4;
    public static readonly TimeSpan ShortestWindow = TimeSpan.FromSeconds(1), LongestWindow = TimeSpan.FromMinutes(5);
    private const double Growth = 1.01;

    /// <summary>How far back answers count: the <c>Retry-After</c>; while paced, all since the pace began (a short one undercounts).</summary>
    public static long LookBack(double? current, TimeSpan retryAfter, long now, long paceSince)
    {
        var lookBack = current is null ? retryAfter.Ticks : Math.Max(retryAfter.Ticks, now - paceSince);
        return Math.Clamp(lookBack, ShortestWindow.Ticks, LongestWindow.Ticks);
    }

    /// <summary>The pace after a <c>429</c>: never faster than <paramref name="current"/>; too few answers lower it by the margin.</summary>
    public static double? Learn(double? current, int answered, long lookBack)
    {
        double? learned = answered >= MinAnswersToLearn ? PaceMargin * answered * TimeSpan.TicksPerSecond / lookBack : PaceMargin * current;
        if (learned is not { } pace) return null;
        return current is { } previous ? Math.Min(pace, previous) : pace;
    }

    /// <summary>The server's window as learned so far: the longest <c>Retry-After</c> seen, within the bounds.</summary>
    public static long Window(long window, TimeSpan retryAfter) =>
        Math.Max(window, Math.Clamp(retryAfter.Ticks, ShortestWindow.Ticks, LongestWindow.Ticks));

    /// <summary><paramref name="pace"/> grown by 1 % per four windows since <paramref name="since"/>; null when none or past any use.</summary>
    public static double? Grown(double? pace, long now, long since, long window)
    {
        if (pace is not { } learned || window <= 0) return null;
        var steps = Math.Max(0, now - since) / (double)(window * WindowsPerStep);
        var grown = learned * Math.Pow(Growth, steps);
        return grown < 1e6 ? grown : null;
    }

    /// <summary>Numbered from the pace's start, the instances' turns interleave as one client's.</summary>
    public static (long Turn, long Next) FleetTurn(double pace, int rank, int of, long window, long since, long earliest)
    {
        var fleetPace = pace * of;
        var turns = TurnsWithin(fleetPace, window, earliest - since);
        var mine = rank + (of * Math.Ceiling(((turns - rank) / of) - 0.001)); // less a hair: rounding
        return (since + (long)Math.Ceiling(TicksUntil(fleetPace, window, mine)),
                since + (long)Math.Ceiling(TicksUntil(fleetPace, window, mine + of)));
    }

    /// <summary>How many turns a pace growing as <see cref="Grown"/> gives in the first <paramref name="ticks"/> after it began.</summary>
    private static double TurnsWithin(double pace, long window, double ticks)
    {
        var perTick = pace / TimeSpan.TicksPerSecond;
        var step = (double)window * WindowsPerStep;
        return ticks <= 0 ? ticks * perTick : perTick * step / Math.Log(Growth) * (Math.Pow(Growth, ticks / step) - 1);
    }

    /// <summary>The inverse of <see cref="TurnsWithin"/>: how many ticks after the pace began turn number <paramref name="turns"/> comes.</summary>
    private static double TicksUntil(double pace, long window, double turns)
    {
        var perTick = pace / TimeSpan.TicksPerSecond;
        var step = (double)window * WindowsPerStep;
        return turns <= 0 ? turns / perTick : step * Math.Log(1 + (turns * Math.Log(Growth) / (perTick * step)), Growth);
    }
}
