using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Settings;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Destinations.Http;

/// <summary>What every CRM destination's settings give the shared plumbing: its name, options, mapping, API root, or the problem.</summary>
public interface ICrmSettings
{
    /// <summary>The destination's name (<c>Destinations__Default</c>, setting names, its HTTP client and throttle).</summary>
    string Destination { get; }

    CrmHttpOptions Options { get; }

    /// <summary>Why the settings cannot be used, in sentences naming each setting; null when they are fine.</summary>
    string? Problem { get; }

    FieldMapping? Mapping { get; }

    /// <summary>The base address of the destination's HTTP client.</summary>
    Uri ApiRoot { get; }

    /// <summary>
    /// Whom the CRM counts its limits against (the application user, integration user or account): instances with the
    /// same owner share one budget (<see cref="Limits.Fleet.FleetCoordinator"/>). Only a hash of it is stored.
    /// </summary>
    string LimitOwner { get; }
}

/// <summary>
/// A destination's settings as read once at start: the options, the mapping built from them, or — when they are
/// unusable — the <see cref="Problem"/>: every problem the options' data annotations find
/// (<see cref="ValidatedOptions.ProblemsOf"/>) and the mapping's, one sentence each naming the setting. Bad settings
/// never stop the app (intake keeps accepting leads): each lead goes to the poison queue with the problem, ready to be
/// replayed once the settings are fixed.
/// </summary>
public abstract class CrmSettings<TOptions> : ICrmSettings
    where TOptions : CrmHttpOptions, new()
{
    /// <param name="unreadable">What the operator should know when a value cannot even be converted (e.g. the valid enum names).</param>
    protected CrmSettings(IOptions<TOptions> options, string unreadable)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            Options = options.Value;
        }
        catch (InvalidOperationException e)
        {
            // A value the binder cannot convert (e.g. Credential=Secret, MaxConcurrency=many).
            Options = new TOptions();
            Problem = $"The {Destination} settings cannot be read: {e.Message} {e.InnerException?.Message} ({unreadable})";
            return;
        }

        Mapping = Options.TryCreateMapping(out var mappingProblems);
        if (ValidatedOptions.ProblemsOf(Options).Concat(mappingProblems).ToList() is { Count: > 0 } problems) Problem = string.Join(" ", problems);
    }

    public string Destination => Options.Destination;

    public TOptions Options { get; }

    CrmHttpOptions ICrmSettings.Options => Options;

    public string? Problem { get; }

    public FieldMapping? Mapping { get; }

    public Uri ApiRoot { get; protected init; } = new("https://unconfigured.invalid/");

    /// <inheritdoc />
    public virtual string LimitOwner => ApiRoot.GetLeftPart(UriPartial.Authority);
}
