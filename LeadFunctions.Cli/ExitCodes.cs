namespace LeadFunctions.Cli;

/// <summary>The exit codes of every command (listed in docs/operate.md).</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran, and something it was asked to do did not happen: a non-2xx answer, a row refused,
    /// rejected or failed, a message not found or not replayed.</summary>
    public const int Failed = 1;

    /// <summary>The command line or a setting is wrong; nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>Storage or the endpoint could not be reached, or refused the credentials.</summary>
    public const int Unreachable = 3;

    /// <summary>
    /// Done in part: <c>poison replay --all</c> replayed what it could and skipped some messages, each named in its
    /// output with the reason (not a lead envelope, cannot be written again, refused by storage).
    /// </summary>
    public const int SomeSkipped = 4;

    /// <summary>Interrupted (Ctrl+C), the shell's convention.</summary>
    public const int Interrupted = 130;
}
