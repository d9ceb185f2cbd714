using Microsoft.Extensions.Configuration.Memory;

namespace LeadFunctions.Settings;

/// <summary>Settings under an old name keep working; the new name wins (docs/settings.md, "Renamed settings").</summary>
public sealed class RenamedSettings
{
    /// <summary>Old prefix → new prefix, most specific first (keys as configuration spells them, ':' between parts).</summary>
    private static readonly (string Old, string New)[] Renames =
    [
        ("Crm:Target", "Destinations:Default"),
        ("Crm:", "Destinations:"),
    ];

    public IReadOnlyList<(string Old, string New)> Used { get; }

    private RenamedSettings(IReadOnlyList<(string Old, string New)> used) => Used = used;

    public static RenamedSettings Apply(IConfigurationManager configuration)
    {
        var used = new List<(string Old, string New)>();
        foreach (var (key, value) in ((IConfiguration)configuration).AsEnumerable())
        {
            if (value is null || NewName(key) is not { } renamed || configuration[renamed] is not null) continue;
            used.Add((key, renamed));
        }

        if (used.Count > 0)
        {
            var data = used.Select(u => new KeyValuePair<string, string?>(u.New, configuration[u.Old])).ToList();
            ((IList<IConfigurationSource>)configuration.Sources).Add(new MemoryConfigurationSource { InitialData = data });
        }

        return new RenamedSettings(used.OrderBy(u => u.Old, StringComparer.OrdinalIgnoreCase).ToList());
    }

    private static string? NewName(string key)
    {
        foreach (var (old, renamed) in Renames)
        {
            if (key.Equals(old, StringComparison.OrdinalIgnoreCase)) return renamed;
            if (old.EndsWith(':') && key.StartsWith(old, StringComparison.OrdinalIgnoreCase)) return renamed + key[old.Length..];
        }

        return null;
    }

    /// <summary>A setting name as app settings spell it (<c>Crm__Target</c>).</summary>
    public static string AppSettingName(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}
