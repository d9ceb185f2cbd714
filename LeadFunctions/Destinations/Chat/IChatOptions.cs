namespace LeadFunctions.Destinations.Chat;

/// <summary>The settings a chat destination (Teams, Slack) has besides the shared HTTP ones (docs/destinations.md, "Teams and Slack").</summary>
public interface IChatOptions
{
    /// <summary>The destination's name in settings, <c>Destinations__&lt;Name&gt;__…</c>.</summary>
    string Name { get; }

    /// <summary>The webhook URL the message is posted to; it holds a secret (a signature or token): never logged.</summary>
    string? Url { get; }

    /// <summary>Which personal fields appear, e.g. <c>Name;Email;Phone;Title</c>; empty: none.</summary>
    string? PersonalFields { get; }

    /// <summary>The table in the app's storage account that marks each lead posted (partition: destination, row: lead id).</summary>
    string SentTable { get; }

    /// <summary>Extra facts, <c>Destinations__&lt;Name&gt;__Mapping__&lt;label&gt;</c>: a lead field path, template or constant.</summary>
    Dictionary<string, string?> Mapping { get; }

    Dictionary<string, int> MaxLength { get; }
}
