using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using LeadFunctions.Tests.Reliability;

namespace LeadFunctions.Tests.AzureShaped;

/// <summary>
/// The app configured as Azure configures it, on this machine (docs/deploy.md, "The Azure-shaped run"): the app
/// settings infra/main.bicep gives the function app (<see cref="BicepAppSettings"/>), with what Azure computes at
/// deployment replaced by the stand-ins' values; a managed-identity endpoint as Functions provides it
/// (<see cref="ManagedIdentityEndpoint"/>); Azurite with OAuth only, over HTTPS (<see cref="Azurite.StartOAuthAsync"/>);
/// and Application Insights with local authentication off (<see cref="IngestionEndpoint"/>). No connection string,
/// account key or instrumentation-key-only ingestion anywhere. The app runs as a child process that trusts the
/// run's certificate authority through <c>SSL_CERT_FILE</c>, nothing installed.
/// </summary>
public sealed class AzureShapedRun : IAsyncDisposable
{
    /// <summary>The storage account's name (Azure's would be <c>st&lt;token&gt;</c>).</summary>
    public const string StorageAccount = "stazureshaped";

    /// <summary>
    /// Settings the platform reads itself, not the app, and why: a setting in the Bicep that neither the app
    /// (docs/settings.md) nor this list names is a setting under a name nobody reads.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ReadByThePlatform = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["AzureWebJobsStorage__blobServiceUri"] = "the Functions host: its own state (function keys, timer and singleton locks)",
        ["AZURE_CLIENT_ID"] = "Azure.Identity's DefaultAzureCredential (the Dataverse destination's Default credential) picks this identity",
    };

    /// <summary>
    /// What the Functions host does for the app in Azure and standalone mode does itself here: check function keys,
    /// and run the RecordGauges timer (faster, so that a run shows its gauges within seconds).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> HostStandIns = new Dictionary<string, string>
    {
        ["Intake__Keys"] = TestApp.Key,
        ["Standalone__GaugeInterval"] = "00:00:00.500",
        ["Standalone__MinPollingInterval"] = "00:00:00.050",
    };

    private AzureShapedRun(TestCertificates certificates, TokenIssuer tokens, string appClientId, ManagedIdentityEndpoint identity,
        IngestionEndpoint ingestion, Azurite storage, IReadOnlyDictionary<string, string> bicepSettings)
    {
        Certificates = certificates;
        Tokens = tokens;
        AppClientId = appClientId;
        Identity = identity;
        Ingestion = ingestion;
        Storage = storage;
        BicepSettings = bicepSettings;
        AppSettings = BicepAppSettings.WithStandIns(bicepSettings, new Dictionary<string, string>
        {
            ["⟪Microsoft.Resources/deployments/identity:outputs.clientId.value⟫"] = appClientId,
            // Azure's endpoints end in '/' (https://<account>.table.core.windows.net/); Azurite's are path-style, where
            // the Tables SDK would read a trailing '/' as part of the table's path (<account>//<table>).
            ["⟪Microsoft.Storage/storageAccounts:primaryEndpoints.blob⟫"] = storage.ServiceUri("blob").ToString(),
            ["⟪Microsoft.Storage/storageAccounts:primaryEndpoints.queue⟫"] = storage.ServiceUri("queue").ToString(),
            ["⟪Microsoft.Storage/storageAccounts:primaryEndpoints.table⟫"] = storage.ServiceUri("table").ToString(),
            ["⟪Microsoft.Insights/components:ConnectionString⟫"] = ingestion.ConnectionString,
        });
    }

    public TestCertificates Certificates { get; }

    public TokenIssuer Tokens { get; }

    /// <summary>The client id Azure gives the app's user-assigned identity (<c>identity.outputs.clientId</c>): new for each run.</summary>
    public string AppClientId { get; }

    /// <summary>An operator's identity (the person who deploys has queue and table roles): what this process uses to look.</summary>
    public string OperatorClientId { get; } = Guid.NewGuid().ToString();

    public ManagedIdentityEndpoint Identity { get; }

    public IngestionEndpoint Ingestion { get; }

    public Azurite Storage { get; }

    /// <summary>The settings as the Bicep gives them, placeholders and all.</summary>
    public IReadOnlyDictionary<string, string> BicepSettings { get; }

    /// <summary>The settings the app gets: the Bicep's, with the stand-ins' values where Azure computes one.</summary>
    public IReadOnlyDictionary<string, string> AppSettings { get; }

    /// <summary>The app process's whole configuration: app settings, the platform's identity variables, the host's stand-ins, the trust of the run's authority.</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        AppSettings.Concat(Identity.Environment).Concat(HostStandIns).Concat(Certificates.TrustEnvironment).ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Starts the stand-ins, compiles infra/main.bicep and takes the function app's settings from it (<paramref name="bicepParameters"/> over main.bicep's defaults).</summary>
    public static async Task<AzureShapedRun> StartAsync(IReadOnlyDictionary<string, object?>? bicepParameters = null)
    {
        var main = await BicepAppSettings.CompileAsync();
        var parameters = new Dictionary<string, object?> { ["environmentName"] = "azure-shaped", ["location"] = "local" };
        foreach (var (name, value) in bicepParameters ?? new Dictionary<string, object?>()) parameters[name] = value;
        var bicepSettings = BicepAppSettings.Of(main, parameters);

        var certificates = new TestCertificates();
        var tokens = new TokenIssuer(TimeProvider.System);
        var appClientId = Guid.NewGuid().ToString();
        var identity = await ManagedIdentityEndpoint.StartAsync(tokens, appClientId);
        var ingestion = await IngestionEndpoint.StartAsync(tokens, certificates, appClientId);
        var storage = await Azurite.StartOAuthAsync(certificates.ServerPem, certificates.ServerKeyPem, StorageAccount);
        return new AzureShapedRun(certificates, tokens, appClientId, identity, ingestion, storage, bicepSettings);
    }

    /// <summary>Starts the app (the published package in <paramref name="appDirectory"/>) standalone with <see cref="Environment"/> only.</summary>
    public Task<AppProcess> StartAppAsync(string appDirectory, int port = 0) =>
        AppProcess.StartAsync(new Dictionary<string, string>(), appDirectory, port, Environment);

    /// <summary>A queue of the run's account as the operator sees it: a bearer token, HTTPS trusting the run's authority.</summary>
    public QueueClient Queue(string name, bool base64 = true) => new(new Uri($"{Storage.ServiceUri("queue")}/{name}"), Operator, new QueueClientOptions
    {
        MessageEncoding = base64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
        Transport = Transport(),
    });

    public TableClient Table(string name) => new(Storage.ServiceUri("table"), name, Operator, new TableClientOptions { Transport = Transport() });

    /// <summary>An HTTP pipeline transport of this process that trusts the run's authority (for clients the test builds itself).</summary>
    public HttpPipelineTransport Transport() => new HttpClientTransport(Certificates.Handler());

    private TokenCredential Operator => new IssuedCredential(Tokens, OperatorClientId);

    public async ValueTask DisposeAsync()
    {
        await Storage.DisposeAsync();
        await Ingestion.DisposeAsync();
        await Identity.DisposeAsync();
        Certificates.Dispose();
    }

    /// <summary>A token for the operator straight from the issuer (as <c>az login</c> would give one).</summary>
    private sealed class IssuedCredential(TokenIssuer issuer, string clientId) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var (token, expires) = issuer.Issue(clientId, requestContext.Scopes[0].Replace("/.default", "", StringComparison.Ordinal));
            return new AccessToken(token, expires);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
