namespace LeadFunctions.Testing.StandInHost;

/// <summary>Tunables for <see cref="FunctionsHostStandIn"/>. The defaults suit tests.</summary>
public sealed class StandInHostOptions
{
    /// <summary>Longest time from process start until every function is loaded.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest time one invocation may take.</summary>
    public TimeSpan InvocationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time the worker gets to exit after WorkerTerminate before it is killed.</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The executable used when worker.config.json says "dotnet". Defaults to the
    /// muxer that runs the tests (DOTNET_HOST_PATH), else "dotnet" from PATH, as the host does.
    /// </summary>
    public string? DotNetExecutable { get; set; }

    /// <summary>Receives every worker console line and RpcLog as text (e.g. ITestOutputHelper.WriteLine).</summary>
    public Action<string>? LogSink { get; set; }

    /// <summary>How many lines of worker stdout/stderr are kept for failure messages.</summary>
    public int OutputTailLines { get; set; } = 200;
}
