using LeadFunctions.Destinations.Chat;

namespace LeadFunctions.Destinations.Teams;

/// <summary>The Teams settings as read once at start (<see cref="ChatSettings{TOptions}"/>).</summary>
public sealed class TeamsSettings(IOptions<TeamsOptions> options) : ChatSettings<TeamsOptions>(options);
