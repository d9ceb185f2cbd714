using System.Diagnostics.CodeAnalysis;
using System.Net;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Limits.Fleet;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Telemetry;
using Polly.Timeout;

namespace LeadFunctions.Destinations.Http;

/// <summary>Whether an error answer of a CRM may succeed when the same request is sent again.</summary>
public delegate ValueTask<bool> TransientAnswer(HttpResponseMessage response, CancellationToken cancellationToken);

public static class CrmHttpExtensions
{
    /// <summary>
    /// One CRM destination: its settings, its HTTP client and throttle (<see cref="AddCrmHttpClient"/>, with the
    /// per-attempt handler <paramref name="attemptHandler"/> makes from the throttle) and the destination itself. The
    /// caller binds the destination's options: the configuration binder's source generator (trimming, Native AOT)
    /// needs the concrete type at the call.
    /// </summary>
    public static IServiceCollection AddCrmDestination<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSettings,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TDestination>(
        this IServiceCollection services,
        string name,
        TransientAnswer isTransient,
        Func<IServiceProvider, DestinationThrottle, DelegatingHandler> attemptHandler)
        where TSettings : class, ICrmSettings
        where TDestination : class, ILeadDestination
    {
        services.AddSingleton<TSettings>();
        services.AddCrmHttpClient(
            name,
            sp => sp.GetRequiredService<TSettings>().Options,
            sp => sp.GetRequiredService<TSettings>().ApiRoot,
            isTransient,
            sp => attemptHandler(sp, sp.GetRequiredKeyedService<DestinationThrottle>(name)));
        services.AddSingleton<TDestination>();
        services.AddSingleton<IHostedService>(sp => FleetCoordinator.Create<TSettings>(sp, name)); // shares the throttle's limits with the other instances
        return services;
    }

    /// <summary>
    /// The HTTP client of one CRM destination, named <paramref name="name"/>, and its shared
    /// <see cref="DestinationThrottle"/> (a keyed singleton under the same name): no cookies; total timeout → bounded
    /// retries with jitter → the throttle's gate and pace (<see cref="PaceStrategy"/>) → attempt timeout → the
    /// destination's per-attempt handler (token, throttle bookkeeping).
    /// Retrying is safe because every write the destinations send is create-once: a retry after a lost answer finds
    /// the record. A wait the server asks for (or the shared gate imposes) longer than <c>MaxThrottleWait</c> ends the
    /// in-process retries, so the lead is re-scheduled through the queue instead.
    /// </summary>
    public static IHttpClientBuilder AddCrmHttpClient(
        this IServiceCollection services,
        string name,
        Func<IServiceProvider, CrmHttpOptions> options,
        Func<IServiceProvider, Uri> baseAddress,
        TransientAnswer isTransient,
        Func<IServiceProvider, DelegatingHandler> attemptHandler)
    {
        services.AddKeyedSingleton(name, (sp, _) => new DestinationThrottle(
            options(sp).MaxConcurrency is var max and >= 1 ? max : 1, sp.GetRequiredService<TimeProvider>(), options(sp).MaxThrottleWait,
            sp.GetRequiredService<ILogger<DestinationThrottle>>(), name));

        var http = services.AddHttpClient(name, (sp, client) =>
            {
                client.BaseAddress = baseAddress(sp);
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler's timeouts apply instead
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                UseCookies = false, // no affinity cookie: requests spread over the CRM's servers
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });

        // Outermost first: the resilience handler wraps the per-attempt handler, so each attempt gets its token and bookkeeping.
        http.AddResilienceHandler(name.ToLowerInvariant(), (pipeline, context) => ConfigureResilience(
            pipeline, options(context.ServiceProvider), context.ServiceProvider.GetRequiredKeyedService<DestinationThrottle>(name),
            context.ServiceProvider.GetRequiredService<TimeProvider>(), isTransient));
        http.AddHttpMessageHandler(attemptHandler);

        // Each handled attempt would be a Polly warning (and the last one an error) although ProcessLead logs the
        // outcome once: retried, re-scheduled or poisoned. Keep this pipeline's per-attempt events at Debug/Information.
        services.ConfigureAll<TelemetryOptions>(telemetry =>
        {
            var previous = telemetry.SeverityProvider;
            telemetry.SeverityProvider = args => args.Source.PipelineName?.StartsWith(name + "-", StringComparison.Ordinal) == true
                ? args.Event.EventName == "ExecutionAttempt" ? ResilienceEventSeverity.Debug : ResilienceEventSeverity.Information
                : previous?.Invoke(args) ?? args.Event.Severity;
        });
        return http;
    }

    private static void ConfigureResilience(
        ResiliencePipelineBuilder<HttpResponseMessage> pipeline, CrmHttpOptions options, DestinationThrottle throttle, TimeProvider time, TransientAnswer isTransient)
    {
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
                ShouldHandle = args => ShouldRetryAsync(args.Outcome, options, throttle, time, isTransient, args.Context.CancellationToken),
                DelayGenerator = args => ValueTask.FromResult(WaitBeforeRetry(args.Outcome, throttle, time)),
            });
        }

        pipeline.AddPace(throttle);
        pipeline.AddTimeout(options.Timeout > TimeSpan.Zero ? options.Timeout : TimeSpan.FromMinutes(2));
    }

    private static async ValueTask<bool> ShouldRetryAsync(
        Outcome<HttpResponseMessage> outcome, CrmHttpOptions options, DestinationThrottle throttle, TimeProvider time, TransientAnswer isTransient,
        CancellationToken cancellationToken)
    {
        if (outcome.Exception is HttpRequestException or TimeoutRejectedException) return true;
        if (outcome.Result is not { } response || (int)response.StatusCode < 400) return false;
        if (!await isTransient(response, cancellationToken).ConfigureAwait(false)) return false;

        var wait = Max(CrmAnswer.RetryAfter(response, time), throttle.Remaining);
        return wait <= options.MaxThrottleWait;
    }

    /// <summary>Retry-After or the shared gate, whichever is later (plus a little jitter); otherwise the exponential backoff.</summary>
    private static TimeSpan? WaitBeforeRetry(Outcome<HttpResponseMessage> outcome, DestinationThrottle throttle, TimeProvider time)
    {
        var wait = Max(outcome.Result is { } response ? CrmAnswer.RetryAfter(response, time) : null, throttle.Remaining);
        if (wait <= TimeSpan.Zero) return null;
        return wait + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Min(1000, Math.Max(1, wait.TotalMilliseconds / 10))));
    }

    private static TimeSpan Max(TimeSpan? a, TimeSpan b) => a is { } value && value > b ? value : b;
}
