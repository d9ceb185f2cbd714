using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Telemetry;
using Polly.Timeout;

namespace LeadFunctions.Destinations.Dataverse;

public static class DataverseExtensions
{
    /// <summary>
    /// The Dataverse destination: settings, one token credential, the shared throttle, the <c>Dataverse</c> HTTP
    /// client (no cookies; total timeout → bounded retries with jitter → attempt timeout → token and throttle
    /// bookkeeping per attempt) and the connection check at start.
    /// </summary>
    public static IServiceCollection AddDataverse(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DataverseOptions>().Bind(configuration.GetSection(DataverseOptions.Section));
        services.AddSingleton<DataverseSettings>();
        services.AddSingleton(sp => new DataverseThrottle(
            sp.GetRequiredService<DataverseSettings>().Options.MaxConcurrency is var max and >= 1 and <= 52 ? max : 1,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<DataverseSettings>();
            var credential = settings.Problem is null ? DataverseToken.CredentialFor(settings.Options) : null;
            return new DataverseToken(credential, settings.Scope, sp.GetRequiredService<TimeProvider>());
        });

        var http = services.AddHttpClient(DataverseDestination.HttpClientName, (sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<DataverseSettings>().ApiRoot;
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler's timeouts apply instead
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                UseCookies = false, // no ARRAffinity cookie: requests spread over the environment's servers
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });

        // Outermost first: the resilience handler wraps the per-attempt handler, so each attempt gets its token and bookkeeping.
        http.AddResilienceHandler("dataverse", (pipeline, context) => ConfigureResilience(pipeline, context.ServiceProvider));
        http.AddHttpMessageHandler(sp => new DataverseRequestHandler(
            sp.GetRequiredService<DataverseToken>(), sp.GetRequiredService<DataverseThrottle>(), sp.GetRequiredService<TimeProvider>()));

        // Each handled attempt would be a Polly warning (and the last one an error) although ProcessLead logs the
        // outcome once: retried, re-scheduled or poisoned. Keep this pipeline's per-attempt events at Debug/Information.
        services.ConfigureAll<TelemetryOptions>(telemetry =>
        {
            var previous = telemetry.SeverityProvider;
            telemetry.SeverityProvider = args => args.Source.PipelineName?.StartsWith(DataverseDestination.HttpClientName, StringComparison.Ordinal) == true
                ? args.Event.EventName == "ExecutionAttempt" ? ResilienceEventSeverity.Debug : ResilienceEventSeverity.Information
                : previous?.Invoke(args) ?? args.Event.Severity;
        });

        services.AddSingleton<DataverseDestination>();
        services.AddHostedService<DataverseConnectionCheck>();
        return services;
    }

    /// <summary>
    /// Retrying is safe because the only write is a create-only upsert: a retry after a lost answer gets <c>412</c>.
    /// Transient means network errors, attempt timeouts, 408, 429 and 5xx other than the permanent ones; a wait the
    /// server asks for (or the shared gate imposes) that is longer than <c>MaxThrottleWait</c> ends the in-process
    /// retries so the lead is re-scheduled through the queue instead.
    /// </summary>
    private static void ConfigureResilience(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, IServiceProvider services)
    {
        var options = services.GetRequiredService<DataverseSettings>().Options;
        var throttle = services.GetRequiredService<DataverseThrottle>();
        var time = services.GetRequiredService<TimeProvider>();

        pipeline.AddTimeout(options.TotalTimeout > TimeSpan.Zero ? options.TotalTimeout : TimeSpan.FromMinutes(5));
        if (options.Retries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldRetryAfterHeader = false, // the delay generator below honours Retry-After and the shared gate
                ShouldHandle = args => ShouldRetryAsync(args.Outcome, options, throttle, time, args.Context.CancellationToken),
                DelayGenerator = args => ValueTask.FromResult(WaitBeforeRetry(args.Outcome, throttle, time)),
            });
        }

        pipeline.AddTimeout(options.Timeout > TimeSpan.Zero ? options.Timeout : TimeSpan.FromMinutes(2));
    }

    private static async ValueTask<bool> ShouldRetryAsync(
        Outcome<HttpResponseMessage> outcome, DataverseOptions options, DataverseThrottle throttle, TimeProvider time, CancellationToken cancellationToken)
    {
        if (outcome.Exception is HttpRequestException or TimeoutRejectedException) return true;
        if (outcome.Result is not { } response) return false;

        var status = (int)response.StatusCode;
        if (status < 400) return false;
        var error = status == 500 ? await DataverseError.ReadAsync(response, cancellationToken).ConfigureAwait(false) : DataverseError.None;
        if (!DataverseFailures.IsTransient(status, error.Code)) return false;

        var wait = Max(DataverseError.RetryAfter(response, time), throttle.Remaining);
        return wait <= options.MaxThrottleWait;
    }

    /// <summary>Retry-After or the shared gate, whichever is later (plus a little jitter); otherwise the exponential backoff.</summary>
    private static TimeSpan? WaitBeforeRetry(Outcome<HttpResponseMessage> outcome, DataverseThrottle throttle, TimeProvider time)
    {
        var wait = Max(outcome.Result is { } response ? DataverseError.RetryAfter(response, time) : null, throttle.Remaining);
        if (wait <= TimeSpan.Zero) return null;
        return wait + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Min(1000, Math.Max(1, wait.TotalMilliseconds / 10))));
    }

    private static TimeSpan Max(TimeSpan? a, TimeSpan b) => a is { } value && value > b ? value : b;
}
