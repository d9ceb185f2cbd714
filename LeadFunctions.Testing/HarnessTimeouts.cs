namespace LeadFunctions.Testing;

/// <summary>Timeouts a destination harness test may set over the harness's generous ones.</summary>
public static class HarnessTimeouts
{
    /// <summary>For a test whose fake answers late on purpose (seconds): each attempt gives up after half a second.</summary>
    public static void AnswersLostAfterHalfASecond(Dictionary<string, string?> settings)
    {
        foreach (var key in settings.Keys.Where(k => k.EndsWith(":Timeout", StringComparison.Ordinal)).ToList()) settings[key] = "00:00:00.500";
    }
}
