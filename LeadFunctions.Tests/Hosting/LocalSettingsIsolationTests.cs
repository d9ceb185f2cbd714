using System.Net;
using LeadFunctions.Tests.Reliability;
using LeadFunctions.Tests.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LeadFunctions.Tests.Hosting;

/// <summary>
/// Tests never read the developer's own <c>local.settings.json</c>: standalone mode reads it from its content root only
/// (<c>./eng/run.sh</c>: the repository root), and every app a test starts runs in <see cref="TestContentRoot"/>. With a
/// conflicting file in the repository root and beside each build the tests start, a test app sees only what the test
/// gave it; the same file is read by an app that runs in the repository root, as <c>./eng/run.sh</c> runs it.
/// </summary>
[Collection(AloneCollection.Name)] // it plants local.settings.json where a build running meanwhile would copy it beside the app
public sealed class LocalSettingsIsolationTests(Azurite azurite) : IClassFixture<Azurite>
{
    private const string ForeignKey = "key-from-local-settings";

    private const string Conflicting = $$"""
        {
          "IsEncrypted": false,
          "Values": {
            "LocalSettingsMarker": "read",
            "Destinations__Default": "Nowhere",
            "Destinations__HubSpot__AccessToken": "pat-from-local-settings",
            "Intake__Keys": "{{ForeignKey}}",
            "Standalone__GaugeInterval": "00:00:00"
          }
        }
        """;

    [Fact]
    public async Task A_local_settings_json_in_the_repository_root_or_beside_the_builds_does_not_change_what_a_test_app_sees()
    {
        using var planted = new PlantedLocalSettings(Conflicting, RepoPaths.Root, AppContext.BaseDirectory, AppProcess.AppDirectory);

        // In-process, as most tests start the app.
        await using (var app = await TestApp.StartAsync(azurite))
        {
            var configuration = app.App.Services.GetRequiredService<IConfiguration>();
            Assert.Null(configuration["LocalSettingsMarker"]);
            Assert.Null(configuration["Destinations:Default"]);
            Assert.Null(configuration["Destinations:HubSpot:AccessToken"]);
            var details = await (await app.Http.GetAsync(TestApp.HealthDetailsPath())).JsonAsync();
            Assert.Equal(["Table"], details.GetProperty("destinations").EnumerateObject().Select(p => p.Name));
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.PostLeadAsync(TestLeads.ContactMe(1).ToJsonString(), key: ForeignKey)).StatusCode);
        }

        // As a process started from the build, as the reliability tests start it.
        using (var process = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["LeadQueueName"] = TestNames.Queue(),
            ["Destinations:Table:TableName"] = TestNames.Table(),
            ["Delivery:JournalTable"] = TestNames.Table(),
            ["Delivery:SettlementTable"] = TestNames.Table(),
            ["Telemetry:Exporter"] = "None",
            ["Intake:Keys"] = TestApp.Key,
            ["Standalone:ProcessQueue"] = "false",
        }))
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{process.Port}"), Timeout = TimeSpan.FromSeconds(60) };
            var details = await (await http.GetAsync(TestApp.HealthDetailsPath())).JsonAsync();
            Assert.Equal(["Table"], details.GetProperty("destinations").EnumerateObject().Select(p => p.Name));
        }

        // The planted file is real: an app that runs in the repository root (./eng/run.sh) reads it.
        await using (var app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["contentRoot"] = RepoPaths.Root }))
        {
            var configuration = app.App.Services.GetRequiredService<IConfiguration>();
            Assert.Equal("read", configuration["LocalSettingsMarker"]);
            Assert.Equal("pat-from-local-settings", configuration["Destinations:HubSpot:AccessToken"]);
        }
    }

    /// <summary>
    /// Writes <c>local.settings.json</c> into each directory, and on dispose puts back exactly what was there: no file,
    /// or the developer's own, moved aside meanwhile (to <c>local.settings.json.before-test-*</c>, where it stays
    /// should the test process die before it is moved back).
    /// </summary>
    private sealed class PlantedLocalSettings : IDisposable
    {
        private readonly List<(string Path, string? Backup)> _planted = [];

        public PlantedLocalSettings(string content, params string[] directories)
        {
            try
            {
                foreach (var directory in directories.Select(d => Path.TrimEndingDirectorySeparator(Path.GetFullPath(d))).Distinct())
                {
                    if (!Directory.Exists(directory)) continue;
                    var path = Path.Combine(directory, "local.settings.json");
                    string? backup = null;
                    if (File.Exists(path))
                    {
                        backup = $"{path}.before-test-{Guid.NewGuid():N}";
                        File.Move(path, backup);
                    }

                    _planted.Add((path, backup));
                    File.WriteAllText(path, content);
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            foreach (var (path, backup) in _planted)
            {
                if (backup is null)
                {
                    File.Delete(path);
                }
                else
                {
                    File.Move(backup, path, overwrite: true);
                }
            }

            _planted.Clear();
        }
    }
}
