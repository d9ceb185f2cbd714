namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>Where the fleet's rows live: read together, each member's row written by itself, the shared row only with its ETag.</summary>
internal interface IFleetStore
{
    Task<FleetSnapshot> ReadAsync(string fleet, CancellationToken cancellationToken);

    Task WriteMemberAsync(string fleet, FleetMember member, CancellationToken cancellationToken);

    /// <summary>Writes the shared row unless it changed since it was read with <paramref name="etag"/> (null: none); false if it did.</summary>
    Task<bool> WriteLimitAsync(string fleet, SharedLimit limit, string? etag, CancellationToken cancellationToken);

    Task RemoveMemberAsync(string fleet, string id, CancellationToken cancellationToken);
}
