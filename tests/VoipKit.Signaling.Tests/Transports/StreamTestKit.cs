using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using VoipKit.Signaling.Transports;

namespace VoipKit.Signaling.Tests.Transports;

/// <summary>A self-signed loopback certificate, transports built for TCP or TLS, and a raw client for byte-level tests.</summary>
internal static class StreamTestKit
{
    private static readonly Lazy<X509Certificate2> s_certificate = new(CreateCertificate);

    public static X509Certificate2 Certificate => s_certificate.Value;

    public static SipTlsOptions TlsOptions => new()
    {
        ServerCertificate = Certificate,
        TargetHost = "localhost",
        RemoteCertificateValidation = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == Certificate.GetCertHashString(),
    };

    public static SipStreamTransport Create(bool tls, bool v6, SipMessageHandler handler, SipTransportOptions? options = null) =>
        new(TestMessages.Loopback(v6), handler, options, tls ? TlsOptions : null);

    public static async Task<RawClient> ConnectRawAsync(bool tls, IPEndPoint server, CancellationToken cancellationToken)
    {
        var client = new TcpClient(server.AddressFamily) { NoDelay = true };
        await client.ConnectAsync(server, cancellationToken);
        Stream stream = client.GetStream();
        if (tls)
        {
            var ssl = new SslStream(stream, false);
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && cert.GetCertHashString() == Certificate.GetCertHashString() },
                cancellationToken);
            stream = ssl;
        }

        return new RawClient(client, stream);
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Round trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}

/// <summary>A plain or TLS client socket that writes exact bytes.</summary>
internal sealed class RawClient(TcpClient client, Stream stream) : IAsyncDisposable
{
    public Stream Stream => stream;

    public IPEndPoint LocalEndPoint => (IPEndPoint)client.Client.LocalEndPoint!;

    public async Task WriteAsync(string text, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>Reads until the peer closes; true when it did (read returned 0 or the connection reset).</summary>
    public async Task<bool> WaitForCloseAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (IOException)
        {
        }

        return true;
    }

    public async Task<string> ReadSomeAsync(CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[4096];
        int n = await stream.ReadAsync(buffer, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync();
        client.Dispose();
    }
}
