using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace LeadFunctions.Testing;

/// <summary>
/// An <see cref="ILoggerProvider"/> that keeps every log entry: the formatted line (what an operator reads) and its
/// details — structured values, scopes and exception — so tests can assert on both, and on what must never appear.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider? _scopes;

    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    public IEnumerable<string> Messages(LogLevel atLeast = LogLevel.Trace) =>
        Entries.Where(e => e.Level >= atLeast).Select(e => e.Message);

    public string All => string.Join("\n", Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}"));

    /// <summary>Every entry with all it carries, one string each.</summary>
    public IEnumerable<string> Everything => Entries.Select(e => $"{e.Level} {e.Category}: {e.Message}{e.Details}");

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var details = new StringBuilder();
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values) details.Append($" | {key}={value}");
            }

            owner._scopes?.ForEachScope((scope, builder) => builder.Append($" | scope {Describe(scope)}"), details);
            var valuesAndScopes = details.ToString();
            if (exception is not null) details.Append($" | exception {exception}");
            var message = formatter(state, exception);
            owner.Entries.Enqueue(new CapturedLog(logLevel, category, exception is null ? message : $"{message} | {exception}", details.ToString())
            {
                Line = message,
                Values = valuesAndScopes,
            });
        }

        private static string Describe(object? scope) => scope is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : scope?.ToString() ?? "";
    }
}

public sealed record CapturedLog(LogLevel Level, string Category, string Message, string Details)
{
    /// <summary>The formatted line alone, without the exception's text (its stack trace has line breaks of its own).</summary>
    public string Line { get; init; } = "";

    /// <summary>The structured values and scopes the entry carries (what an exporter sends), without the exception.</summary>
    public string Values { get; init; } = "";
}
