using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Webhook;

public static class WebhookExtensions
{
    /// <summary>
    /// The webhook destination: the settings, no token (<see cref="WebhookToken"/>), the <c>Webhook</c> HTTP client with its
    /// shared throttle, and innermost, under every retry, the signing of each attempt (<see cref="WebhookSigning"/>).
    /// </summary>
    public static IServiceCollection AddWebhook(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<WebhookToken>();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section));
        services.AddCrmDestination<WebhookSettings, WebhookProtocol, WebhookToken>(WebhookProtocol.Name);
        services.AddHttpClient(WebhookProtocol.Name)
            .RemoveAllLoggers() // the URL's path is often the receiver's secret: no request line in any log, at any level
            .AddHttpMessageHandler(sp => new WebhookSigning(sp.GetRequiredService<WebhookSettings>(), sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
