using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Settings;

namespace LeadFunctions.Destinations.Http;

/// <summary>
/// A CRM's settings as read once at start: the options and their mapping, or every <see cref="Problem"/> with them. Bad
/// settings never stop the app: each lead is poisoned with the problem, ready for a replay once they are fixed.
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
            Problem = $"The {Name} settings cannot be read: {e.Message} {e.InnerException?.Message} ({unreadable})";
            return;
        }

        Mapping = Options.TryCreateMapping(out var mappingProblems);
        if (ValidatedOptions.ProblemsOf(Options).Concat(mappingProblems).ToList() is { Count: > 0 } problems) Problem = string.Join(" ", problems);
    }

    public string Name => Options.Name;

    public TOptions Options { get; }

    CrmHttpOptions ICrmSettings.Options => Options;

    public string? Problem { get; }

    public FieldMapping? Mapping { get; }

    public Uri ApiRoot { get; protected init; } = new("https://unconfigured.invalid/");

    /// <inheritdoc />
    public virtual string LimitOwner => ApiRoot.GetLeftPart(UriPartial.Authority);
}
