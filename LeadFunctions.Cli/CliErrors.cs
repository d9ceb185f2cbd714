using Azure;
using Azure.Identity;
using Microsoft.Extensions.Options;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Cli;

/// <summary>Turns an exception into an exit code and one line for the operator: no stack trace, no request URL (it may hold a key).</summary>
internal static class CliErrors
{
    public static (int ExitCode, string Message) Describe(Exception exception) => exception switch
    {
        CommandException e => (e.ExitCode, e.Message),
        OptionsValidationException e => (ExitCodes.Usage, string.Join(" ", e.Failures)),
        FileNotFoundException e => (ExitCodes.Usage, LogText.FirstLine(e.Message)),
        AggregateException { InnerExceptions.Count: > 0 } e => Describe(e.InnerExceptions[^1]),
        AuthenticationFailedException or CredentialUnavailableException =>
            (ExitCodes.Unreachable, $"could not sign in to storage ({exception.GetType().Name}): {LogText.FirstLine(exception.Message)} Sign in " +
                "(az login) or pass --connection-string."),
        RequestFailedException { Status: 0 } e => (ExitCodes.Unreachable, "storage could not be reached: " +
            $"{LogText.FirstLine(e.InnerException?.Message ?? e.Message)}"),
        RequestFailedException { Status: 401 or 403 } e => (ExitCodes.Unreachable, $"storage refused the credentials ({e.Status} {e.ErrorCode}): " +
            $"{LogText.FirstLine(e.Message)}"),
        RequestFailedException e => (ExitCodes.Failed, $"storage answered {e.Status} {e.ErrorCode}: {LogText.FirstLine(e.Message)}"),
        HttpRequestException e => (ExitCodes.Unreachable, $"could not reach the endpoint: {LogText.FirstLine(e.Message)}"),
        TimeoutException or TaskCanceledException => (ExitCodes.Unreachable, "the request timed out."),
        _ => (ExitCodes.Failed, $"unexpected {exception.GetType().Name}: {LogText.FirstLine(exception.Message)}"),
    };
}
