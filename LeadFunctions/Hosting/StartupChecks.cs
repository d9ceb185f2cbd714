using LeadFunctions.Settings;
using LeadFunctions.Storage;

namespace LeadFunctions.Hosting;

/// <summary>Creates the queues at start-up when storage is reachable; when it is not, the app still starts and intake answers 503.</summary>
internal sealed partial class StartupChecks(LeadQueue queue, HostingMode mode, RenamedSettings renamed,
    ILogger<StartupChecks> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogMode(logger, mode);
        foreach (var (old, now) in renamed.Used) LogRenamed(logger, RenamedSettings.AppSettingName(old), RenamedSettings.AppSettingName(now));
        try
        {
            await queue.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogStorageUnreachable(logger, e.GetType().Name, queue.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "LeadFunctions running: {Mode}")]
    private static partial void LogMode(ILogger logger, HostingMode mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Setting {OldName} has a new name, {NewName}; it still works, but rename it " +
        "(docs/settings.md, \"Renamed settings\").")]
    private static partial void LogRenamed(ILogger logger, string oldName, string newName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage is not reachable ({ErrorType}); queue {Queue} could not be checked. Intake answers " +
        "503 until it is.")]
    private static partial void LogStorageUnreachable(ILogger logger, string errorType, string queue);
}
