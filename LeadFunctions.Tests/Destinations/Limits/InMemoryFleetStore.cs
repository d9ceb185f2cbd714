using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Limits.Fleet;

namespace LeadFunctions.Tests.Destinations.Limits;

/// <summary>
/// The fleet's rows in memory, with the table's semantics (the shared row written only with the ETag it was read
/// with), for fake-clock tests of several instances; <see cref="Down"/> makes every call fail like an unreachable table.
/// </summary>
internal sealed class InMemoryFleetStore : IFleetStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, FleetMember>> _members = [];
    private readonly Dictionary<string, (SharedLimit Limit, string ETag)> _limits = [];
    private int _version;

    public bool Down { get; set; }

    public int LimitWrites { get; private set; }

    public SharedLimit? Limit(string fleet)
    {
        lock (_lock) return _limits.TryGetValue(fleet, out var row) ? row.Limit : null;
    }

    public Task<FleetSnapshot> ReadAsync(string fleet, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        lock (_lock)
        {
            var limit = _limits.TryGetValue(fleet, out var row) ? row : default;
            var members = _members.TryGetValue(fleet, out var all) ? all.Values.ToList() : [];
            return Task.FromResult(new FleetSnapshot(limit.Limit, limit.ETag, members));
        }
    }

    public Task WriteMemberAsync(string fleet, FleetMember member, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        lock (_lock)
        {
            if (!_members.TryGetValue(fleet, out var all)) _members[fleet] = all = [];
            all[member.Id] = member;
        }

        return Task.CompletedTask;
    }

    public Task<bool> WriteLimitAsync(string fleet, SharedLimit limit, string? etag, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        lock (_lock)
        {
            var current = _limits.TryGetValue(fleet, out var row) ? row.ETag : null;
            if (current != etag) return Task.FromResult(false);
            _limits[fleet] = (limit, $"v{++_version}");
            LimitWrites++;
            return Task.FromResult(true);
        }
    }

    public Task RemoveMemberAsync(string fleet, string id, CancellationToken cancellationToken)
    {
        ThrowIfDown();
        lock (_lock)
        {
            if (_members.TryGetValue(fleet, out var all)) all.Remove(id);
        }

        return Task.CompletedTask;
    }

    private void ThrowIfDown()
    {
        if (Down) throw new Azure.RequestFailedException(503, "The table is unreachable (simulated).");
    }
}
