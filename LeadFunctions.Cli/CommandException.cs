using Azure.Identity;
using Microsoft.Extensions.Options;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Cli;

/// <summary>A failure the command expected and can say in one line, with its exit code.</summary>
internal sealed class CommandException : Exception
{
    public CommandException()
    {
    }

    public CommandException(string message)
        : base(message)
    {
    }

    public CommandException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CommandException(int exitCode, string message)
        : base(message) => ExitCode = exitCode;

    public int ExitCode { get; } = ExitCodes.Failed;
}
