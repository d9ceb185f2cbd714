using System.Diagnostics;

namespace LeadFunctions.Testing;

/// <summary>
/// A CPU-bound neighbour: one busy shell loop per core, for as long as it is not disposed. Races that only show when
/// the machine is busy (or only when it is idle) are tried both ways by starting one for half the rounds of a test.
/// </summary>
public sealed class CpuNeighbour : IDisposable
{
    private readonly List<Process> _loops;

    private CpuNeighbour(List<Process> loops) => _loops = loops;

    public static CpuNeighbour Start() =>
        new(Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"])
        {
            UseShellExecute = false,
        })!).ToList());

    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            try
            {
                loop.Kill();
                loop.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            loop.Dispose();
        }
    }
}
