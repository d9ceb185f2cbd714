using Microsoft.Extensions.Configuration;

namespace LeadFunctions.Testing;

/// <summary>Where things are in the repository, found from the test binaries upwards.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(AppContext.BaseDirectory, "Samples");

    public static string Sample(string name) => File.ReadAllText(Path.Combine(Samples, name));

    /// <summary>The section of <c>local.settings.sample.json</c> named <paramref name="section"/> (e.g. <c>Destinations:Dataverse</c>), bound to options.</summary>
    public static T SampleSettings<T>(string section) where T : new()
    {
        using var sample = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.GetString());
        var options = new T();
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(section).Bind(options);
        return options;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeadFunctions.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("LeadFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
