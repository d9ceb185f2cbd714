using System.Globalization;

namespace LeadFunctions.Hosting;

/// <summary>
/// How this process is driven (DESIGN 1): by the Functions host as a custom handler (it sets
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, checks keys and triggers ProcessLead), or standalone (we check keys and run the
/// queue listener ourselves).
/// </summary>
public sealed record HostingMode(int? CustomHandlerPort)
{
    public const string PortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";

    public const string StandaloneUrl = "http://127.0.0.1:7071";

    public bool IsFunctions => CustomHandlerPort is not null;

    public bool ChecksFunctionKeys => !IsFunctions;

    public bool RunsQueueListener => !IsFunctions;

    public static HostingMode From(IConfiguration configuration) =>
        new(int.TryParse(configuration[PortSetting], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null);

    public override string ToString() => IsFunctions ? $"Functions custom handler on port {CustomHandlerPort}" : "standalone";
}
