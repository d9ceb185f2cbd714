using LeadFunctions.Destinations.Chat;

namespace LeadFunctions.Destinations.Slack;

/// <summary>The Slack settings as read once at start (<see cref="ChatSettings{TOptions}"/>).</summary>
public sealed class SlackSettings(IOptions<SlackOptions> options) : ChatSettings<SlackOptions>(options);
