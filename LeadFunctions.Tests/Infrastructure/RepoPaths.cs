namespace LeadFunctions.Tests.Infrastructure;

/// <summary>Where things are in the repository, found from the test binaries upwards.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Samples => Path.Combine(AppContext.BaseDirectory, "Samples");

    public static string Sample(string name) => File.ReadAllText(Path.Combine(Samples, name));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LeadFunctions.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("LeadFunctions.sln not found above " + AppContext.BaseDirectory);
    }
}
