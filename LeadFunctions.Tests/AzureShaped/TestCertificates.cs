using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LeadFunctions.Tests.AzureShaped;

/// <summary>
/// A certificate authority made for one run and a server certificate it signed for 127.0.0.1 and localhost, so that
/// the stand-ins speak HTTPS as Azure's services do (Azurite refuses bearer tokens over HTTP; the exporters' bearer
/// policy refuses to send one over HTTP). Nothing is installed anywhere: the files go to a temporary folder, the app
/// process trusts the authority through <c>SSL_CERT_FILE</c> (OpenSSL's default store, which .NET on Linux reads),
/// and this process through <see cref="Handler"/>.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("leadfunctions-certs-");

    public TestCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=LeadFunctions Azure-shaped run CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Authority = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));

        var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Authority, true, false));
        using var signed = serverRequest.Create(Authority, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        Server = signed.CopyWithPrivateKey(serverKey);

        File.WriteAllText(AuthorityPem, Authority.ExportCertificatePem());
        File.WriteAllText(ServerPem, Server.ExportCertificatePem());
        File.WriteAllText(ServerKeyPem, serverKey.ExportPkcs8PrivateKeyPem());
        serverKey.Dispose();
    }

    public X509Certificate2 Authority { get; }

    /// <summary>The server certificate with its private key, for the stand-ins in this process (Kestrel).</summary>
    public X509Certificate2 Server { get; }

    /// <summary>The authority's certificate: the whole of the app process's trust store (<c>SSL_CERT_FILE</c>).</summary>
    public string AuthorityPem => Path.Combine(_folder.FullName, "ca.pem");

    /// <summary>The server certificate and its key as PEM files, for Azurite's <c>--cert</c> and <c>--key</c>.</summary>
    public string ServerPem => Path.Combine(_folder.FullName, "server.pem");

    public string ServerKeyPem => Path.Combine(_folder.FullName, "server.key");

    /// <summary>What a process needs to trust the authority, and nothing else, without installing it.</summary>
    public IReadOnlyDictionary<string, string> TrustEnvironment => new Dictionary<string, string>
    {
        ["SSL_CERT_FILE"] = AuthorityPem,
        ["SSL_CERT_DIR"] = _folder.FullName,
    };

    /// <summary>An HTTP handler for this process that trusts a server only if the authority signed its certificate.</summary>
    public HttpMessageHandler Handler() => new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, _) => Trusts(certificate) },
    };

    public bool Trusts(X509Certificate? certificate)
    {
        if (certificate is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(presented);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        _folder.Delete(recursive: true);
    }
}
