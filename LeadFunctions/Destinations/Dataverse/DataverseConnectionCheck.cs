using Azure.Identity;
using LeadFunctions.Destinations.Limits;
using Polly.Timeout;
using LeadFunctions.Telemetry;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>At start, logs what is wrong in words an operator can act on; never stops the app nor delays intake.</summary>
public sealed partial class DataverseConnectionCheck(
    DataverseSettings settings,
    DataverseToken token,
    [FromKeyedServices(DataverseProtocol.Name)] DestinationThrottle throttle,
    IHttpClientFactory httpClientFactory,
    ILogger<DataverseConnectionCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (settings.Problem is { } problem)
        {
            LogMisconfigured(logger, problem);
            return;
        }

        var url = settings.Environment.ToString();
        if (!token.Enabled) LogNoToken(logger, url);

        try
        {
            // A request like any other: it takes a slot, so that it never puts this instance (or the fleet) over the
            // CRM user's concurrency; a starting instance of a fleet has one only once it has joined.
            using var slot = await SlotAsync(stoppingToken).ConfigureAwait(false);
            using var request = DataverseProtocol.WhoAmI();
            using var response = await httpClientFactory.CreateClient(DataverseProtocol.Name)
                .SendAsync(request, stoppingToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(stoppingToken).ConfigureAwait(false);
                var userId = Property(body, "UserId");
                var organizationId = Property(body, "OrganizationId");
                LogConnected(logger, url, userId, organizationId, throttle.Limit, settings.Options.MaxConcurrency);
                return;
            }

            var error = await DataverseError.ReadAsync(response, stoppingToken).ConfigureAwait(false);
            var said = DataverseFailures.Describe(status, error with { Message = error.Message ?? "(no message)" });
            var who = await IdentityAsync(stoppingToken).ConfigureAwait(false);
            if (status == 401) LogTokenRefused(logger, url, who, said);
            else if (status == 403) LogNoApplicationUser(logger, url, who, said);
            else if (status == 404) LogNotFound(logger, url, said);
            else LogUnexpectedAnswer(logger, url, status, said);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (AuthenticationFailedException e)
        {
            LogTokenUnavailable(logger, settings.Scope, settings.Options.Credential.ToString(), LogText.FirstLine(e.Message));
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException or OperationCanceledException)
        {
            LogUnreachable(logger, url, e.GetType().Name, LogText.FirstLine(e.Message));
        }
#pragma warning disable CA1031 // A failed check must never stop the app: intake keeps running.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogCheckFailed(logger, url, e.GetType().Name, LogText.FirstLine(e.Message));
        }
    }

    /// <summary>A request slot, however long it takes: the check is not a delivery, and has no lead to re-schedule.</summary>
    private async Task<IDisposable> SlotAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await throttle.EnterAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DestinationThrottledException)
            {
                // No slot within the longest wait allowed (the fleet not joined yet): keep waiting.
            }
        }
    }

    /// <summary>Who the token says we are (app id and tenant, not secrets): what the application user must be created for.</summary>
    private async Task<string> IdentityAsync(CancellationToken cancellationToken)
    {
        var configured = settings.Options.Credential == DataverseCredential.ClientSecret || !string.IsNullOrWhiteSpace(settings.Options.ClientId)
            ? $"client id {settings.Options.ClientId}"
            : "the function app's managed identity (its client id is on the Identity blade)";
        try
        {
            var jwt = await token.GetAsync(cancellationToken).ConfigureAwait(false);
            // A payload that is not base64url lands in the catch below, as any other failure does.
            var payload = jwt?.Split('.') is [_, var middle, _]
                ? Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(middle))
                : null;
            var appId = payload is null ? null : Property(payload, "appid") ?? Property(payload, "azp");
            var tenant = payload is null ? null : Property(payload, "tid");
            return appId is null ? configured : $"client id {appId} (tenant {tenant})";
        }
#pragma warning disable CA1031 // Only to improve a log line.
        catch (Exception)
#pragma warning restore CA1031
        {
            return configured;
        }
    }

    private static string? Property(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value)
                ? value.ToString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dataverse destination is not configured correctly; every lead goes to the poison queue " +
        "until this is fixed (then replay it): {Problem}")]
    private static partial void LogMisconfigured(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Destinations__Dataverse__Credential=None: requests to {Url} carry no token. Use this only " +
        "with a local emulator.")]
    private static partial void LogNoToken(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dataverse at {Url} is reachable: application user {UserId}, organization " +
        "{OrganizationId}; sending at most {Concurrency} requests at once (Destinations__Dataverse__MaxConcurrency {MaxConcurrency}, lowered to " +
        "the server's x-ms-dop-hint if smaller)")]
    private static partial void LogConnected(ILogger logger, string url, string? userId, string? organizationId, int concurrency, int maxConcurrency);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dataverse at {Url} refused the token (401) of {Identity}. Check that " +
        "Destinations__Dataverse__Url is this environment's URL and Destinations__Dataverse__TenantId its tenant. Dataverse said: {Said}")]
    private static partial void LogTokenRefused(ILogger logger, string url, string identity, string said);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dataverse at {Url} denied access (403) to {Identity}. In the Power Platform admin center, " +
        "create an application user for that client id in this environment and give it a security role with Create and Read on Lead. Leads go to " +
        "the poison queue until then (replay them afterwards). Dataverse said: {Said}")]
    private static partial void LogNoApplicationUser(ILogger logger, string url, string identity, string said);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dataverse at {Url} answered 404 for WhoAmI: Destinations__Dataverse__Url is probably not a " +
        "Dataverse environment URL (https://<org>.crm.dynamics.com). Dataverse said: {Said}")]
    private static partial void LogNotFound(ILogger logger, string url, string said);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dataverse at {Url} answered {Status} to WhoAmI; deliveries will retry transient failures. " +
        "Dataverse said: {Said}")]
    private static partial void LogUnexpectedAnswer(ILogger logger, string url, int status, string said);

    [LoggerMessage(Level = LogLevel.Error, Message = "No token for {Scope} with Destinations__Dataverse__Credential={Credential}: {Error}. With " +
        "Default, give the function app a managed identity (or sign in locally with az login); with ClientSecret, check TenantId, ClientId and " +
        "ClientSecret.")]
    private static partial void LogTokenUnavailable(ILogger logger, string scope, string credential, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dataverse at {Url} is not reachable ({ErrorType}: {Error}); leads wait in the queue and " +
        "are retried. Check Destinations__Dataverse__Url and the network if this persists.")]
    private static partial void LogUnreachable(ILogger logger, string url, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Dataverse connection check at {Url} failed ({ErrorType}: {Error}); deliveries go on " +
        "and report their own failures.")]
    private static partial void LogCheckFailed(ILogger logger, string url, string errorType, string error);
}
