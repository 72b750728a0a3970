using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SecretFleet.Tests.Shared;

/// <summary>Keeps every log line (with its exception) so tests can check what was and was not logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, EventId Event, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public ILogger<T> CreateLogger<T>() => new Logger<T>(this);

    /// <summary>Every line so far, one per row, for failure messages.</summary>
    public string Text => string.Join('\n', Entries.Select(e => $"{e.Level} {e.Message}{(e.Exception is null ? "" : " | " + e.Exception.Message)}"));

    public void Dispose()
    {
    }

    private sealed class Logger<T>(CapturingLoggerProvider owner) : Logger(owner), ILogger<T>;

    private class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, eventId, formatter(state, exception), exception));
    }
}
