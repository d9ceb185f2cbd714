using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LeadFunctions.Testing;

/// <summary>
/// Everything an app instance says about itself: every log entry (<see cref="CapturedLogs"/>), every span (name, attributes, events, status) and every metric point with its tags.
/// </summary>
public sealed class CapturedTelemetry
{
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];

    public CapturedLogs Logs { get; } = new();

    public IReadOnlyList<Activity> Spans
    {
        get
        {
            lock (_spans) return [.. _spans];
        }
    }

    /// <summary>Registers the capture with an app (pass to <see cref="TestApp.StartAsync"/>'s service overrides).</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton<ILoggerProvider>(Logs);
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(new SynchronizedList<Activity>(_spans)));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(new SynchronizedList<Metric>(_metrics)));
    }

    /// <summary>Every text the app emitted: log lines and their values, span names, attributes, events, metric tags.</summary>
    public IEnumerable<string> AllText()
    {
        foreach (var line in Logs.Everything) yield return line;
        foreach (var span in Spans)
        {
            yield return span.DisplayName;
            yield return span.StatusDescription ?? "";
            foreach (var tag in span.TagObjects) yield return $"{tag.Key}={tag.Value}";
            foreach (var item in span.Baggage) yield return $"{item.Key}={item.Value}";
            foreach (var spanEvent in span.Events)
            {
                yield return spanEvent.Name;
                foreach (var tag in spanEvent.Tags) yield return $"{tag.Key}={tag.Value}";
            }
        }

        List<Metric> metrics;
        lock (_metrics) metrics = [.. _metrics];
        foreach (var metric in metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags) yield return $"{metric.Name} {tag.Key}={tag.Value}";
            }
        }
    }

    /// <summary>
    /// Every metric point exported so far, as it stands after the last export: the metric's name, its tags, and its
    /// value (a gauge's last value, a counter's sum, a histogram's count). Call the app's <c>MeterProvider.ForceFlush</c> first.
    /// </summary>
    public IReadOnlyList<MetricPointView> MetricPoints()
    {
        List<Metric> metrics;
        lock (_metrics) metrics = [.. _metrics.Distinct()];
        var points = new List<MetricPointView>();
        foreach (var metric in metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new Dictionary<string, string?>();
                foreach (var tag in point.Tags) tags[tag.Key] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
                var value = metric.MetricType switch
                {
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                    MetricType.Histogram => point.GetHistogramCount(),
                    _ => double.NaN,
                };
                points.Add(new MetricPointView(metric.Name, tags, value));
            }
        }

        return points;
    }

    /// <summary>The in-memory exporters add from the export thread while tests read.</summary>
    private sealed class SynchronizedList<T>(List<T> inner) : ICollection<T>
    {
        public int Count
        {
            get
            {
                lock (inner) return inner.Count;
            }
        }

        public bool IsReadOnly => false;

        public void Add(T item)
        {
            lock (inner) inner.Add(item);
        }

        public void Clear()
        {
            lock (inner) inner.Clear();
        }

        public bool Contains(T item)
        {
            lock (inner) return inner.Contains(item);
        }

        public void CopyTo(T[] array, int arrayIndex)
        {
            lock (inner) inner.CopyTo(array, arrayIndex);
        }

        public bool Remove(T item)
        {
            lock (inner) return inner.Remove(item);
        }

        public IEnumerator<T> GetEnumerator()
        {
            lock (inner) return inner.ToList().GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>One exported metric point: see <see cref="CapturedTelemetry.MetricPoints"/>.</summary>
public sealed record MetricPointView(string Name, IReadOnlyDictionary<string, string?> Tags, double Value);
