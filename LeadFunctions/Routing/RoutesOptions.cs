namespace LeadFunctions.Routing;

/// <summary>The ordered rules of <c>Routes__&lt;n&gt;__…</c>: the first that matches a lead decides its destinations.</summary>
public sealed class RoutesOptions
{
    public const string Section = "Routes";

    public IReadOnlyList<RouteRule> Rules { get; internal set; } = [];

    /// <summary>Every problem of the rules in <paramref name="configuration"/>, one sentence naming the setting each.</summary>
    public IReadOnlyList<string> Problems { get; internal set; } = [];

    private static readonly string[] Conditions =
        [nameof(RouteRule.Offer), nameof(RouteRule.Action), nameof(RouteRule.Source), nameof(RouteRule.Country)];

    private static readonly string[] Flags = [nameof(RouteRule.TestLead), nameof(RouteRule.DoNotContact)];

    private static readonly string[] Known = [nameof(RouteRule.Name), .. Conditions, .. Flags, nameof(RouteRule.Destinations)];

    /// <summary>Reads the rules in index order and checks them against the destination names the app knows.</summary>
    public static RoutesOptions Read(IConfiguration configuration, IReadOnlyCollection<string> destinations)
    {
        var rules = new List<RouteRule>();
        var problems = new List<string>();
        var sections = configuration.GetSection(Section).GetChildren().ToList();
        foreach (var section in sections.OrderBy(s => int.TryParse(s.Key, out var i) ? i : int.MaxValue))
        {
            var at = $"{Section}__{section.Key}";
            if (!int.TryParse(section.Key, out var index) || index < 0)
            {
                problems.Add($"{at} is not a rule: rules are numbered from 0 (Routes__0__Destinations, Routes__1__…).");
                continue;
            }

            problems.AddRange(section.GetChildren().Select(c => c.Key).Where(k => !Known.Contains(k, StringComparer.OrdinalIgnoreCase))
                .Select(k => $"{at}__{k} is not a route setting ({string.Join(", ", Known)})."));
            foreach (var flag in Flags)
            {
                if (section[flag] is { Length: > 0 } text && !bool.TryParse(text, out _))
                {
                    problems.Add($"{at}__{flag} must be true or false; it is '{LogTextOf(text)}'.");
                }
            }

            var rule = new RouteRule
            {
                Name = section[nameof(RouteRule.Name)] is { Length: > 0 } name ? name.Trim() : $"route-{index}",
                Offer = section[nameof(RouteRule.Offer)],
                Action = section[nameof(RouteRule.Action)],
                Source = section[nameof(RouteRule.Source)],
                Country = section[nameof(RouteRule.Country)],
                TestLead = bool.TryParse(section[nameof(RouteRule.TestLead)], out var test) ? test : null,
                DoNotContact = bool.TryParse(section[nameof(RouteRule.DoNotContact)], out var dnc) ? dnc : null,
                Destinations = section[nameof(RouteRule.Destinations)],
            };
            problems.AddRange(Check(rule, at, destinations));
            if (rules.FirstOrDefault(r => string.Equals(r.Name, rule.Name, StringComparison.OrdinalIgnoreCase)) is { } same)
            {
                problems.Add($"{at}__Name '{rule.Name}' is the name of an earlier rule too; each rule needs its own.");
            }

            rules.Add(rule);
        }

        return new RoutesOptions { Rules = rules, Problems = problems };
    }

    private static IEnumerable<string> Check(RouteRule rule, string at, IReadOnlyCollection<string> known)
    {
        if (!IsPlainName(rule.Name)) yield return $"{at}__Name must be letters, digits, '-', '_' or '.' (at most 64).";
        var names = Patterns.Split(rule.Destinations);
        if (names.Length == 0) yield return $"{at}__Destinations is missing: a rule names where its leads go (e.g. Dataverse;Teams).";
        foreach (var name in names.Where(n => !known.Contains(n, StringComparer.OrdinalIgnoreCase)))
        {
            yield return $"{at}__Destinations names '{LogTextOf(name)}', which is not a destination ({string.Join(", ", known)}).";
        }
    }

    internal static bool IsPlainName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static string LogTextOf(string text) => Telemetry.LogText.Of(text) ?? "";
}
