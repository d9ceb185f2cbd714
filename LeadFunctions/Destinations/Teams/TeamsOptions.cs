using LeadFunctions.Destinations.Chat;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.Teams;

/// <summary>Settings of the Teams destination (<c>Destinations__Teams__…</c>, docs/destinations.md), besides the shared ones.</summary>
public sealed class TeamsOptions : CrmHttpOptions, IChatOptions
{
    public const string Section = "Destinations:" + TeamsProtocol.Name;

    public TeamsOptions() => MaxConcurrency = 2;

    /// <summary>The Workflows URL of "When a Teams webhook request is received" (it holds a signature): a Key Vault reference in Azure.</summary>
    public string? Url { get; set; }

    public string? PersonalFields { get; set; }

    public string SentTable { get; set; } = "LeadNotifications";

    public override string Name => TeamsProtocol.Name;

    protected override (int Most, string Limit) ConcurrencyLimit => (8, "Workflows throttles each flow's trigger");

    public override FieldMapping? TryCreateMapping(out IReadOnlyList<string> problems) => ChatFacts.TryCreate(this, out problems);

    public override IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ChatUrl.Problem(Setting(nameof(Url)), Url, "the URL of the flow's trigger \"When a Teams webhook request is received\"") is { } url)
        {
            yield return Problem(url, nameof(Url));
        }

        if (ChatUrl.TableProblem(Setting(nameof(SentTable)), SentTable) is { } table) yield return Problem(table, nameof(SentTable));
        foreach (var shared in base.Validate(validationContext)) yield return shared;
    }
}
