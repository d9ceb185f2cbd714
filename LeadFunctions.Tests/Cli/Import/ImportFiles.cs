using System.Text;

namespace LeadFunctions.Tests.Cli.Import;

/// <summary>Files to import, in a folder of their own that is deleted with them, and the import of one into a test app.</summary>
internal sealed class ImportFiles : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("leadfunctions-import-");

    /// <summary>Writes <paramref name="content"/> as UTF-8 without a byte-order mark; returns the file's path.</summary>
    public string Write(string name, string content) => Write(name, Encoding.UTF8.GetBytes(content));

    public string Write(string name, byte[] content)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary><c>import <paramref name="file"/> --url …</c> with the app's key in the URL, as Partner Center has it.</summary>
    public static Task<CliRun> ImportAsync(TestApp app, string file, params string[] options) =>
        LeadCliRunner.RunAsync(["import", file, "--url", new Uri(app.BaseAddress, TestApp.LeadsPath()).ToString(), .. options]);

    public void Dispose() => _folder.Delete(recursive: true);
}
