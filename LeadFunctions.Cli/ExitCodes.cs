namespace LeadFunctions.Cli;

/// <summary>The exit codes of every command (listed in docs/operate.md).</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command ran, and something it was asked to do did not happen: a non-2xx answer, a row refused, rejected or failed, a message not found or not replayed.</summary>
    public const int Failed = 1;

    /// <summary>The command line or a setting is wrong; nothing was done.</summary>
    public const int Usage = 2;

    /// <summary>Storage or the endpoint could not be reached, or refused the credentials.</summary>
    public const int Unreachable = 3;

    /// <summary>Interrupted (Ctrl+C), the shell's convention.</summary>
    public const int Interrupted = 130;
}
