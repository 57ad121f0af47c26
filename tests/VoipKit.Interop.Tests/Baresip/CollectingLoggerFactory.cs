using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;

namespace VoipKit.Interop.Tests.Baresip;

/// <summary>Keeps the CallClients' log lines (Debug and up, the last 256 KiB) for failure messages.</summary>
internal sealed class CollectingLoggerFactory : ILoggerFactory
{
    private const int MaxChars = 256 * 1024;

    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();
    private readonly long _start = Stopwatch.GetTimestamp();

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Append(string line)
    {
        lock (_gate)
        {
            _text.Append(line).Append('\n');
            if (_text.Length > MaxChars)
            {
                _text.Remove(0, _text.Length - (MaxChars / 2));
            }
        }
    }

    private sealed class Logger(CollectingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            double seconds = Stopwatch.GetElapsedTime(owner._start).TotalSeconds;
            owner.Append($"{seconds,7:F3} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " | " + exception.Message)}");
        }
    }
}
