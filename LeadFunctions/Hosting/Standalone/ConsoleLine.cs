using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace LeadFunctions.Hosting.Standalone;

/// <summary>Standalone mode's console: one short line per event, <c>19:20:46 info LeadIntake: Lead 8659… accepted (…)</c>
/// (docs/operate.md, "Telemetry").</summary>
internal sealed class ConsoleLine(IOptionsMonitor<ConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "leadfunctions";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;

        var time = options.CurrentValue.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
        var category = logEntry.Category[(logEntry.Category.LastIndexOf('.') + 1)..];
        textWriter.Write($"{time:HH:mm:ss} {Level(logEntry.LogLevel)} {category}: {message}");
        if (logEntry.Exception is { } exception) textWriter.Write($" ({exception.GetType().Name}: " +
            $"{Telemetry.LogText.Of(exception.Message, Telemetry.LogText.ReasonLength)})");
        textWriter.WriteLine();
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };
}
