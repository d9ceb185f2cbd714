using Microsoft.Extensions.Caching.Memory;

namespace LeadFunctions.Intake;

/// <summary>Informational only: a duplicate is still enqueued, since delivery is idempotent and this is per instance.</summary>
public sealed class RecentLeads : IDisposable
{
    private readonly MemoryCache _seen = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public bool Record(string leadId)
    {
        var seen = _seen.TryGetValue(leadId, out _);
        _seen.Set(leadId, true, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromDays(1) });
        return seen;
    }

    public void Dispose() => _seen.Dispose();
}
