namespace LeadFunctions.Cli;

/// <summary>What one run of the CLI takes from its surroundings. Tests replace each part and run commands in-process.</summary>
internal sealed record CliEnvironment(TextWriter Output, TextWriter Error)
{
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Settings above environment variables and local.settings.json, named like app settings (<c>Delivery:JournalTable</c>).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Where local.settings.json is looked for (as the app does in standalone mode).</summary>
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Asks for a secret and reads it without echo (the real terminal); null when there is no terminal to ask on.</summary>
    public Func<string, CancellationToken, string?>? ReadSecret { get; init; }

    /// <summary>A setting of the CLI's own (<c>LEADFUNCTIONS_KEY</c>): from <see cref="Settings"/> when named there,
    /// even as null, else the environment.</summary>
    public string? Setting(string name) => Settings.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name);

    /// <summary>Whether Ctrl+C and SIGTERM cancel the running command (the real process); off for in-process runs.</summary>
    public bool HandlesTermination { get; init; }
}
