using System.Diagnostics.Metrics;
using System.Globalization;

namespace VoipKit.Server.Sip;

/// <summary>The server's instruments on the <see cref="SipServer.MeterName"/> meter, next to the plain counters of <see cref="SipServerStatistics"/>.</summary>
internal sealed class SipServerMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _registrations;
    private readonly Counter<long> _forwardedRequests;
    private readonly Counter<long> _forwardedResponses;

    /// <param name="bindings">Reads the binding count for the gauge.</param>
    /// <param name="scope">The server, as the meter's scope: a listener can tell servers of one process apart.</param>
    public SipServerMetrics(Func<int> bindings, object? scope = null)
    {
        _meter = new Meter(new MeterOptions(SipServer.MeterName) { Scope = scope });
        _registrations = _meter.CreateCounter<long>("voipkit.server.sip.registrations", description: "REGISTER requests answered, by status class");
        _forwardedRequests = _meter.CreateCounter<long>("voipkit.server.sip.forwarded_requests", description: "Requests forwarded by the proxy, by method");
        _forwardedResponses = _meter.CreateCounter<long>("voipkit.server.sip.forwarded_responses", description: "Responses forwarded by the proxy");
        _meter.CreateObservableGauge("voipkit.server.sip.bindings", bindings, description: "Registered contacts");
    }

    public SipServerStatistics Statistics { get; } = new();

    public void Registration(int statusCode)
    {
        if (statusCode is 401 or 407)
        {
            Statistics.OnChallenge();
        }
        else
        {
            Statistics.OnRegistration(statusCode is >= 200 and < 300);
        }

        _registrations.Add(1, new KeyValuePair<string, object?>("status", (statusCode / 100).ToString(CultureInfo.InvariantCulture) + "xx"));
    }

    public void Forwarded(string method, bool inDialog)
    {
        Statistics.OnForwarded(method, inDialog);
        _forwardedRequests.Add(1, new KeyValuePair<string, object?>("method", method));
    }

    public void ResponseForwarded()
    {
        Statistics.OnResponseForwarded();
        _forwardedResponses.Add(1);
    }

    public void Dispose() => _meter.Dispose();
}
