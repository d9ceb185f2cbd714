using Azure;
using Azure.Data.Tables;

namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>The fleet in a table: partition = a hash of the CRM user, row <c>limit</c> and rows <c>member-&lt;id&gt;</c>.</summary>
internal sealed class FleetTable(TableClient table) : IFleetStore
{
    private const string LimitRow = "limit";
    private const string MemberPrefix = "member-";

    public async Task<FleetSnapshot> ReadAsync(string fleet, CancellationToken cancellationToken)
    {
        SharedLimit? limit = null;
        string? etag = null;
        var members = new List<FleetMember>();
        try
        {
            var rows = table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {fleet}"), cancellationToken: cancellationToken);
            await foreach (var row in rows.ConfigureAwait(false))
            {
                if (row.RowKey == LimitRow) (limit, etag) = (ToLimit(row), row.ETag.ToString());
                else if (row.RowKey.StartsWith(MemberPrefix, StringComparison.Ordinal)) members.Add(ToMember(row));
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }

        return new FleetSnapshot(limit, etag, members);
    }

    public Task WriteMemberAsync(string fleet, FleetMember member, CancellationToken cancellationToken) =>
        table.UpsertEntityAsync(new TableEntity(fleet, MemberPrefix + member.Id)
        {
            ["ExpiresAt"] = member.ExpiresAt.UtcTicks,
            ["Busy"] = member.Busy,
            ["PacedAt"] = member.PacedAt?.UtcTicks ?? 0L,
            ["Episode"] = member.Episode?.UtcTicks ?? 0L,
            ["Answered"] = member.Answered,
        }, TableUpdateMode.Replace, cancellationToken);

    public async Task<bool> WriteLimitAsync(string fleet, SharedLimit limit, string? etag, CancellationToken cancellationToken)
    {
        var row = new TableEntity(fleet, LimitRow)
        {
            ["PaceSince"] = limit.PaceSince.UtcTicks,
            ["Window"] = limit.Window.Ticks,
            ["NotBefore"] = limit.NotBefore.UtcTicks,
            ["Episode"] = limit.Episode?.UtcTicks ?? 0L,
            ["EpisodeWait"] = limit.EpisodeWait.Ticks,
            ["LookBack"] = limit.LookBack.Ticks,
            ["Learned"] = limit.Learned,
            ["Claims"] = string.Join(';', limit.Claims.Select(c => $"{c.Key}={c.Value.ToString(CultureInfo.InvariantCulture)}")),
        };
        if (limit.Pace is { } pace) row["Pace"] = pace;
        if (limit.EpisodePace is { } episodePace) row["EpisodePace"] = episodePace;
        try
        {
            if (etag is null) await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            else await table.UpdateEntityAsync(row, new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false; // another instance wrote it first: read again
        }
    }

    public async Task RemoveMemberAsync(string fleet, string id, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(fleet, MemberPrefix + id, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // gone already
        }
    }

    private static FleetMember ToMember(TableEntity row) => new(
        row.RowKey[MemberPrefix.Length..], Time(row.GetInt64("ExpiresAt")) ?? default, row.GetBoolean("Busy") ?? false,
        Time(row.GetInt64("PacedAt")), Time(row.GetInt64("Episode")), row.GetInt32("Answered") ?? 0);

    private static SharedLimit ToLimit(TableEntity row) => new()
    {
        Pace = row.GetDouble("Pace"),
        PaceSince = Time(row.GetInt64("PaceSince")) ?? default,
        Window = TimeSpan.FromTicks(row.GetInt64("Window") ?? 0),
        NotBefore = Time(row.GetInt64("NotBefore")) ?? default,
        Episode = Time(row.GetInt64("Episode")),
        EpisodeWait = TimeSpan.FromTicks(row.GetInt64("EpisodeWait") ?? 0),
        EpisodePace = row.GetDouble("EpisodePace"),
        LookBack = TimeSpan.FromTicks(row.GetInt64("LookBack") ?? 0),
        Learned = row.GetBoolean("Learned") ?? true,
        Claims = (row.GetString("Claims") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.Split('=', 2))
            .Where(c => c.Length == 2 && int.TryParse(c[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            .ToDictionary(c => c[0], c => int.Parse(c[1], CultureInfo.InvariantCulture), StringComparer.Ordinal),
    };

    private static DateTimeOffset? Time(long? ticks) => ticks is { } value and > 0 ? new DateTimeOffset(value, TimeSpan.Zero) : null;
}
