using LeadFunctions.Destinations.Chat;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.Slack;

/// <summary>Settings of the Slack destination (<c>Destinations__Slack__…</c>, docs/destinations.md), besides the shared ones.</summary>
public sealed class SlackOptions : CrmHttpOptions, IChatOptions
{
    public const string Section = "Destinations:" + SlackProtocol.Name;

    public SlackOptions() => MaxConcurrency = 1;

    /// <summary>The Slack app's incoming webhook URL, <c>https://hooks.slack.com/services/T…/B…/…</c>: a Key Vault reference.</summary>
    public string? Url { get; set; }

    public string? PersonalFields { get; set; }

    public string SentTable { get; set; } = "LeadNotifications";

    public override string Name => SlackProtocol.Name;

    protected override (int Most, string Limit) ConcurrencyLimit => (4, "Slack takes about one message per second per incoming webhook");

    public override FieldMapping? TryCreateMapping(out IReadOnlyList<string> problems) => ChatFacts.TryCreate(this, out problems);

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ChatUrl.Problem(Setting(nameof(Url)), Url, "the app's incoming webhook URL, https://hooks.slack.com/services/…") is { } url)
        {
            yield return Problem(url, nameof(Url));
        }

        if (ChatUrl.TableProblem(Setting(nameof(SentTable)), SentTable) is { } table) yield return Problem(table, nameof(SentTable));
        foreach (var shared in base.Validate(validationContext)) yield return shared;
    }
}
