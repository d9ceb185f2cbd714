namespace LeadFunctions.Testing;

/// <summary>
/// The directory every app and CLI run the tests start runs in: its content root, the only place standalone mode reads
/// <c>local.settings.json</c> from. A fresh empty directory of this test run, so a developer's own
/// <c>local.settings.json</c> (in the repository root, or copied beside a build) never changes what a test sees.
/// </summary>
public static class TestContentRoot
{
    private static readonly Lazy<string> Directory = new(Create);

    public static string Path => Directory.Value;

    private static string Create()
    {
        var path = System.IO.Directory.CreateTempSubdirectory("leadfunctions-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                System.IO.Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // Left behind in the temp directory: empty, harmless.
            }
        };
        return path;
    }
}
