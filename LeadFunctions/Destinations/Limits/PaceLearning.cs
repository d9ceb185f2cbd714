namespace LeadFunctions.Destinations.Limits;

/// <summary>
/// How a pace is learned from a <c>429</c> and grows afterwards: the rules one <see cref="Pacer"/> applies to its own
/// answers and the fleet to every instance's (docs/design.md, "D6. Many instances, one CRM limit"). Times are UTC ticks;
/// a pace is requests per second.
/// </summary>
internal static class PaceLearning
{
    /// <summary>The share of the learned rate requests are paced at: the margin absorbs timing jitter on the way to the server.</summary>
    public const double PaceMargin = 0.95;

    /// <summary>The pace grows by 1 % after this many windows without a <c>429</c>.</summary>
    public const int WindowsPerStep = 4;

    /// <summary>Fewer answers than this are too few to learn from: a first <c>429</c> sets no pace, a later one lowers it by the margin.</summary>
    public const int MinAnswersToLearn = 10;

    /// <summary>A pace nobody took a turn of for this many windows is forgotten: the next backlog learns afresh.</summary>
    public const int IdleWindowsToForget = 4;

    /// <summary>The shortest and longest window a <c>Retry-After</c> is taken for when learning a rate.</summary>
    public static readonly TimeSpan ShortestWindow = TimeSpan.FromSeconds(1), LongestWindow = TimeSpan.FromMinutes(5);

    private const double Growth = 1.01;

    /// <summary>
    /// How far back answers are counted: the <c>Retry-After</c> on the first <c>429</c>; while paced, everything since the
    /// pace began (a short <c>Retry-After</c> would undercount); within the shortest and longest window.
    /// </summary>
    public static long LookBack(double? current, TimeSpan retryAfter, long now, long paceSince)
    {
        var lookBack = current is null ? retryAfter.Ticks : Math.Max(retryAfter.Ticks, now - paceSince);
        return Math.Clamp(lookBack, ShortestWindow.Ticks, LongestWindow.Ticks);
    }

    /// <summary>
    /// The pace after a <c>429</c>: the margin of the rate answered within the look-back, never faster than
    /// <paramref name="current"/>; with too few answers, <paramref name="current"/> lowered by the margin (none without one).
    /// </summary>
    public static double? Learn(double? current, int answered, long lookBack)
    {
        double? learned = answered >= MinAnswersToLearn ? PaceMargin * answered * TimeSpan.TicksPerSecond / lookBack : PaceMargin * current;
        if (learned is not { } pace) return null;
        return current is { } previous ? Math.Min(pace, previous) : pace;
    }

    /// <summary>The server's window as learned so far: the longest <c>Retry-After</c> seen, within the bounds.</summary>
    public static long Window(long window, TimeSpan retryAfter) => Math.Max(window, Math.Clamp(retryAfter.Ticks, ShortestWindow.Ticks, LongestWindow.Ticks));

    /// <summary><paramref name="pace"/> grown by 1 % per <see cref="WindowsPerStep"/> windows since <paramref name="since"/>; null when none or past any use.</summary>
    public static double? Grown(double? pace, long now, long since, long window)
    {
        if (pace is not { } learned || window <= 0) return null;
        var steps = Math.Max(0, now - since) / (double)(window * WindowsPerStep);
        var grown = learned * Math.Pow(Growth, steps);
        return grown < 1e6 ? grown : null;
    }

    /// <summary>
    /// An instance's first turn at or after <paramref name="earliest"/>, and the one after it, when it takes every
    /// <paramref name="of"/>-th turn of the fleet's pace from <paramref name="rank"/>: turns numbered from the pace's start
    /// interleave evenly, as one client's would.
    /// </summary>
    public static (long Turn, long Next) FleetTurn(double pace, int rank, int of, long window, long since, long earliest)
    {
        var fleetPace = pace * of;
        var turns = TurnsWithin(fleetPace, window, earliest - since);
        var mine = rank + (of * Math.Ceiling(((turns - rank) / of) - 0.001)); // less a hair: rounding
        return (since + (long)Math.Ceiling(TicksUntil(fleetPace, window, mine)), since + (long)Math.Ceiling(TicksUntil(fleetPace, window, mine + of)));
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
