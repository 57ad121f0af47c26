using System.Diagnostics.Metrics;

namespace VoipKit.Signaling.UserAgent;

/// <summary>The user agent's instruments on the <see cref="SipUserAgent.MeterName"/> meter.</summary>
internal sealed class SipUserAgentMetrics : IDisposable
{
    private readonly Meter _meter = new(SipUserAgent.MeterName);
    private readonly Counter<long> _placed;
    private readonly Counter<long> _received;
    private readonly Counter<long> _registrations;

    public SipUserAgentMetrics(Func<int> dialogs, Func<int> transactions)
    {
        _placed = _meter.CreateCounter<long>("voipkit.sip.calls_placed", "{call}", "Outgoing INVITEs by final status class (2xx, 4xx...) or 'cancelled'");
        _received = _meter.CreateCounter<long>("voipkit.sip.calls_received", "{call}", "Incoming INVITEs by outcome (answered, rejected, cancelled, refused)");
        _registrations = _meter.CreateCounter<long>("voipkit.sip.registrations", "{request}", "REGISTER exchanges by final status class");
        _meter.CreateObservableGauge("voipkit.sip.dialogs", dialogs, "{dialog}", "Dialogs in progress");
        _meter.CreateObservableGauge("voipkit.sip.transactions", transactions, "{transaction}", "Transactions in the table");
    }

    public Meter Meter => _meter;

    public void CallPlaced(string outcome) => _placed.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void CallReceived(string outcome) => _received.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Registration(int statusCode) => _registrations.Add(1, new KeyValuePair<string, object?>("outcome", StatusClass(statusCode)));

    public static string StatusClass(int statusCode) => (statusCode / 100) + "xx";

    public void Dispose() => _meter.Dispose();
}
