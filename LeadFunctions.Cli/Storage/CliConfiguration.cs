using LeadFunctions.Hosting;
using LeadFunctions.Settings;

namespace LeadFunctions.Cli.Storage;

/// <summary>
/// Settings as the app reads them in standalone mode (host.json under <c>AzureFunctionsJobHost</c> for the queue
/// message encoding, local.settings.json below environment variables), then the CLI's own options on top.
/// </summary>
internal static class CliConfiguration
{
    public static IConfiguration Build(CliEnvironment environment, IReadOnlyDictionary<string, string?> commandLine)
    {
        var configuration = new ConfigurationManager();
        configuration.AddEnvironmentVariables();
        configuration.AddFunctionsConfiguration(environment.WorkingDirectory, HostingMode.Standalone);
        configuration.AddInMemoryCollection(environment.Settings);
        configuration.AddInMemoryCollection(commandLine);
        RenamedSettings.Apply(configuration); // old setting names (Crm__…) read as the app reads them
        return configuration;
    }
}
