using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Tests.Infrastructure;

/// <summary>An <see cref="ILoggerProvider"/> that keeps every formatted log line, to assert on what an operator would read (and what must never appear).</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public IEnumerable<string> Messages(LogLevel atLeast = LogLevel.Trace) =>
        Entries.Where(e => e.Level >= atLeast).Select(e => e.Message);

    public string All => string.Join("\n", Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (exception is not null) text += " | " + exception;
            owner.Entries.Enqueue((logLevel, category, text));
        }
    }
}
