namespace LeadFunctions.Destinations;

/// <summary>
/// Every configured destination (<c>Destinations__Default</c>'s, then the routes'), the default set among them, and which
/// of them one message is for.
/// </summary>
public sealed class LeadDestinations(IReadOnlyList<ILeadDestination> configured, IReadOnlyList<ILeadDestination>? defaults = null)
{
    public IReadOnlyList<ILeadDestination> Configured => configured;

    /// <summary>Where a lead goes that no route names (<c>Destinations__Default</c>).</summary>
    public IReadOnlyList<ILeadDestination> Default { get; } = defaults ?? configured;

    /// <summary>A name no longer configured poisons the lead, so a replay never delivers where nobody asked for it.</summary>
    public IReadOnlyList<ILeadDestination> For(IReadOnlyList<string>? targets)
    {
        if (targets is not { Count: > 0 }) return configured;
        return targets
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(name => configured.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase))
                            ?? new UnknownDestination(name, configured.Select(d => d.Name),
                                $"'{name}' is not configured any more (in Destinations__Default or a route: " +
                                $"{string.Join(";", configured.Select(d => d.Name))}); " +
                                "add it back and replay, or replay with --reroute to route the lead under today's rules."))
            .ToList();
    }

    /// <summary>Each destination's health; the worst one is the result, and the data names each destination's status.</summary>
    public async Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(configured.Select(d => d.CheckHealthAsync(cancellationToken))).ConfigureAwait(false);
        var data = configured.Zip(results).ToDictionary(p => p.First.Name, p => (object)p.Second.Status.ToString());
        if (results.Length == 1) return new HealthCheckResult(results[0].Status, results[0].Description, results[0].Exception, data);

        var worst = results.Min(r => r.Status);
        var description = string.Join("; ", configured.Zip(results)
            .Where(p => p.Second.Status != HealthStatus.Healthy)
            .Select(p => $"{p.First.Name}: {p.Second.Status} ({p.Second.Description})"));
        return new HealthCheckResult(worst, description.Length == 0 ? null : description, data: data);
    }
}
