using System.Diagnostics.CodeAnalysis;
using System.Net;
using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Limits.Fleet;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Telemetry;
using Polly.Timeout;

namespace LeadFunctions.Destinations.Http;

public static class CrmHttpExtensions
{
    /// <summary>
    /// One CRM destination, <see cref="CrmDestination{TProtocol}"/>: its settings, protocol, throttle (a keyed singleton
    /// under <paramref name="name"/>), HTTP client and fleet member. The caller binds the options and adds the token: the
    /// configuration binder's source generator needs the concrete options type at the call.
    /// </summary>
    public static IServiceCollection AddCrmDestination<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSettings,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TProtocol,
        TToken>(this IServiceCollection services, string name)
        where TSettings : class, ICrmSettings
        where TProtocol : class, ICrmProtocol
        where TToken : class, IBearerToken
    {
        services.AddSingleton<TSettings>();
        services.AddSingleton<TProtocol>();
        services.AddKeyedSingleton(name, (sp, _) => new DestinationThrottle(
            Options(sp).MaxConcurrency is var max and >= 1 ? max : 1, sp.GetRequiredService<TimeProvider>(), Options(sp).MaxThrottleWait,
            sp.GetRequiredService<ILogger<DestinationThrottle>>(), name));
        services.AddCrmHttpClient(name, Options, sp => sp.GetRequiredService<TSettings>().ApiRoot, sp => sp.GetRequiredService<TProtocol>(),
            sp => sp.GetRequiredService<TToken>());
        services.AddSingleton(sp => new CrmDestination<TProtocol>(
            sp.GetRequiredService<TSettings>(), sp.GetRequiredKeyedService<DestinationThrottle>(name), sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<TProtocol>()));
        services.AddSingleton<IHostedService>(sp => FleetCoordinator.Create<TSettings>(sp, name)); // shares the limits with other instances
        return services;

        static CrmHttpOptions Options(IServiceProvider sp) => sp.GetRequiredService<TSettings>().Options;
    }

    /// <summary>
    /// The HTTP client named <paramref name="name"/>: no cookies; total timeout → bounded retries with jitter → the throttle's
    /// gate and pace (<see cref="PaceStrategy"/>) → attempt timeout → <see cref="CrmRequestHandler"/>. Retrying is safe: every
    /// write is create-once. A wait longer than <c>MaxThrottleWait</c> ends the retries; the lead goes back through the queue.
    /// </summary>
    private static void AddCrmHttpClient(
        this IServiceCollection services,
        string name,
        Func<IServiceProvider, CrmHttpOptions> options,
        Func<IServiceProvider, Uri> baseAddress,
        Func<IServiceProvider, ICrmProtocol> protocol,
        Func<IServiceProvider, IBearerToken> token)
    {
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
            context.ServiceProvider.GetRequiredService<TimeProvider>(), protocol(context.ServiceProvider)));
        http.AddHttpMessageHandler(sp => new CrmRequestHandler(
            token(sp), sp.GetRequiredKeyedService<DestinationThrottle>(name), sp.GetRequiredService<TimeProvider>(), protocol(sp)));

        // ProcessLead logs each outcome once: keep this pipeline's per-attempt events at Debug/Information, not warnings.
        services.ConfigureAll<TelemetryOptions>(telemetry =>
        {
            var previous = telemetry.SeverityProvider;
            telemetry.SeverityProvider = args => args.Source.PipelineName?.StartsWith(name + "-", StringComparison.Ordinal) == true
                ? args.Event.EventName == "ExecutionAttempt" ? ResilienceEventSeverity.Debug : ResilienceEventSeverity.Information
                : previous?.Invoke(args) ?? args.Event.Severity;
        });
    }

    private static void ConfigureResilience(
        ResiliencePipelineBuilder<HttpResponseMessage> pipeline, CrmHttpOptions options, DestinationThrottle throttle, TimeProvider time,
        ICrmProtocol protocol)
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
                ShouldHandle = args => ShouldRetryAsync(args.Outcome, options, throttle, time, protocol, args.Context.CancellationToken),
                DelayGenerator = args => ValueTask.FromResult(WaitBeforeRetry(args.Outcome, throttle, time)),
            });
        }

        pipeline.AddPace(throttle);
        pipeline.AddTimeout(options.Timeout > TimeSpan.Zero ? options.Timeout : TimeSpan.FromMinutes(2));
    }

    private static async ValueTask<bool> ShouldRetryAsync(
        Outcome<HttpResponseMessage> outcome, CrmHttpOptions options, DestinationThrottle throttle, TimeProvider time, ICrmProtocol protocol,
        CancellationToken cancellationToken)
    {
        if (outcome.Exception is HttpRequestException or TimeoutRejectedException) return true;
        if (outcome.Result is not { } response || (int)response.StatusCode < 400) return false;
        if (!await protocol.IsTransientAsync(response, cancellationToken).ConfigureAwait(false)) return false;

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
