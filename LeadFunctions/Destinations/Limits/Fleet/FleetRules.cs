namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>A pure function: instances need no lock beyond the shared row's ETag.</summary>
internal static class FleetRules
{
    /// <param name="fleetMaxConcurrency">The CRM user's limit on requests in flight for all instances (0: none).</param>
    /// <param name="renewal">The longest any member goes between renewals.</param>
    /// <param name="claimGrace">How long after its membership lapsed a member's claim still stands: one attempt's time.</param>
    public static FleetDecision Decide(
        FleetSnapshot read, FleetLocal local, int fleetMaxConcurrency, TimeSpan memberTimeout, TimeSpan renewal, DateTimeOffset now,
        TimeSpan claimGrace)
    {
        var before = read.Limit ?? SharedLimit.None;
        var limit = local.Episodes.OrderBy(e => e.At).Aggregate(before, (shared, episode) => Close(shared, episode));

        var previous = read.Members.FirstOrDefault(m => m.Id == local.Id);
        var member = new FleetMember(local.Id, now + memberTimeout, local.Busy, local.PacedAt, previous?.Episode, previous?.Answered ?? 0);
        if (limit is { Learned: false, Episode: { } episode } && member.Episode != episode)
        {
            member = member with { Episode = episode, Answered = local.Answered(episode - limit.LookBack, episode) };
        }

        var live = read.Members.Where(m => m.Id != local.Id && m.IsLive(now)).Append(member)
            .OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
        double? learned = null;
        if (limit is { Learned: false, Episode: { } open } && (live.All(m => m.Episode == open) || now - open > memberTimeout))
        {
            (limit, learned) = Learn(limit, live.Where(m => m.Episode == open).Sum(m => m.Answered));
        }

        var lastTurn = live.Select(m => m.PacedAt ?? default).Append(limit.PaceSince).Max();
        if (limit.Pace is not null && now - lastTurn > limit.Window * PaceLearning.IdleWindowsToForget)
        {
            limit = limit with { Pace = null };
        }

        var standing = read.Members.Where(m => m.Id != local.Id && m.ExpiresAt + claimGrace > now).Select(m => m.Id).Append(local.Id)
            .ToHashSet(StringComparer.Ordinal);
        var (concurrency, claims) = Claim(limit.Claims, live, standing, local, fleetMaxConcurrency);
        limit = limit with { Claims = claims };

        var sharing = live.Where(m => m.Busy || m.Id == local.Id).ToList();
        var notBefore = limit.NotBefore;

        // A member that joins a paced fleet (or is busy again) waits for its first turn until the others have made room.
        if (limit.Pace is { } pace && previous is not { Busy: true } && sharing.Count > 1)
        {
            var taken = limit.Claims.Where(c => c.Key != local.Id).Select(c => c.Value).DefaultIfEmpty(local.Ceiling).Max() * (sharing.Count - 1) /
                        (PaceLearning.Grown(pace, now.UtcTicks, limit.PaceSince.UtcTicks, limit.Window.Ticks) ?? pace);
            var joins = now + renewal + TimeSpan.FromSeconds(taken);
            if (joins > notBefore) notBefore = joins;
        }

        var share = new FleetShare(
            concurrency, limit.Pace / sharing.Count, limit.PaceSince, limit.Window, notBefore, sharing.IndexOf(member), sharing.Count);
        return new FleetDecision(member, limit, !limit.SameAs(before), share, live.Count, learned);
    }

    /// <summary>A <c>429</c> or pause seen at one instance: the gate closes for everyone; a <c>429</c> while it was open begins an episode.</summary>
    private static SharedLimit Close(SharedLimit limit, ThrottleEpisode seen)
    {
        var until = seen.At + seen.Wait;
        if (seen.Learn && limit.NotBefore <= seen.At)
        {
            var now = seen.At.UtcTicks;
            var current = PaceLearning.Grown(limit.Pace, now, limit.PaceSince.UtcTicks, limit.Window.Ticks);
            var lookBack = PaceLearning.LookBack(current, seen.Wait, now, limit.PaceSince.UtcTicks);
            limit = limit with
            {
                Episode = seen.At, EpisodeWait = seen.Wait, EpisodePace = current, LookBack = TimeSpan.FromTicks(lookBack), Learned = false,
            };
        }

        return until > limit.NotBefore ? limit with { NotBefore = until } : limit;
    }

    /// <summary>The fleet's pace from the <paramref name="answered"/> of all members, from when the episode's gate opened.</summary>
    private static (SharedLimit Limit, double? Learned) Learn(SharedLimit limit, int answered)
    {
        var learned = PaceLearning.Learn(limit.EpisodePace, answered, limit.LookBack.Ticks);
        limit = limit with { Learned = true };
        if (learned is not { } pace) return (limit, null);
        return (limit with
        {
            Pace = pace,
            PaceSince = limit.Episode!.Value + limit.EpisodeWait,
            Window = TimeSpan.FromTicks(PaceLearning.Window(limit.Window.Ticks, limit.EpisodeWait)),
        }, pace);
    }

    /// <summary>A fair part, no more than nobody else claims; <paramref name="standing"/>: may still be in flight.</summary>
    private static (int Concurrency, IReadOnlyDictionary<string, int> Claims) Claim(
        IReadOnlyDictionary<string, int> claims, List<FleetMember> live, HashSet<string> standing, FleetLocal local, int fleetMaxConcurrency)
    {
        if (fleetMaxConcurrency <= 0) return (local.Ceiling, new Dictionary<string, int>(StringComparer.Ordinal));

        var rank = live.FindIndex(m => m.Id == local.Id);
        var fair = (fleetMaxConcurrency / live.Count) + (rank < fleetMaxConcurrency % live.Count ? 1 : 0);
        var kept = claims.Where(c => c.Key != local.Id && standing.Contains(c.Key)).ToDictionary(StringComparer.Ordinal);
        var free = fleetMaxConcurrency - kept.Values.Sum();
        var concurrency = Math.Max(0, Math.Min(Math.Min(fair, local.Ceiling), free));
        var claim = Math.Max(concurrency, local.InFlight);
        if (claim > 0) kept[local.Id] = claim;
        return (concurrency, kept);
    }
}
