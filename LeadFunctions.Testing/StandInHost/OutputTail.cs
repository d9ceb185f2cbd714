using System.Text;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>A thread-safe, bounded buffer of the last lines a worker printed.</summary>
public sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new();
    private static readonly string[] CrashMarkers = ["Unhandled exception.", "Process terminated."];
    private readonly Lock _gate = new();

    public void Add(string line)
    {
        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    /// <summary>
    /// The last <paramref name="count"/> lines, one per line, or a placeholder. When a .NET
    /// crash report ("Unhandled exception." / "Process terminated.") starts further back, the
    /// text starts there instead, so the crash message is never cut off (up to 4 x count lines).
    /// </summary>
    public string Format(int count)
    {
        IReadOnlyList<string> lines = Snapshot();
        if (lines.Count == 0)
        {
            return "(nothing)";
        }

        int start = Math.Max(0, lines.Count - count);
        for (int i = lines.Count - 1; i >= Math.Max(0, lines.Count - (4 * count)); i--)
        {
            if (CrashMarkers.Any(marker => lines[i].Contains(marker, StringComparison.Ordinal)))
            {
                start = Math.Min(start, i);
                break;
            }
        }

        var text = new StringBuilder();
        foreach (string line in lines.Skip(start))
        {
            text.AppendLine(line);
        }

        return text.ToString().TrimEnd();
    }
}
