using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Chat;

/// <summary>A chat destination's settings as read once at start (<see cref="CrmSettings{TOptions}"/>): the webhook's host and path.</summary>
public abstract class ChatSettings<TOptions> : CrmSettings<TOptions>
    where TOptions : CrmHttpOptions, IChatOptions, new()
{
    protected ChatSettings(IOptions<TOptions> options)
        : base(options, "durations are like 00:02:00; numbers are digits.")
    {
        if (Problem is not null) return;
        var url = new Uri(Options.Url!.Trim());
        ApiRoot = new Uri(url.GetLeftPart(UriPartial.Authority) + "/");
        PostPath = new Uri(url.PathAndQuery, UriKind.Relative);
    }

    /// <summary>The webhook's path and query, posted to relative to <see cref="CrmSettings{TOptions}.ApiRoot"/>.</summary>
    public Uri PostPath { get; } = new("/", UriKind.Relative);

    public string SentTable => Options.SentTable.Trim();

    /// <summary>The service limits each webhook (a channel, a flow): the whole URL (only a hash of it is stored).</summary>
    public override string LimitOwner => $"{ApiRoot.Authority}|{Options.Url}";
}
