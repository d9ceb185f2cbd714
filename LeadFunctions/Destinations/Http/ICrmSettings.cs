using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.Http;

/// <summary>What every CRM destination's settings give the shared plumbing: its name, options, mapping, API root, or the problem.</summary>
public interface ICrmSettings
{
    /// <summary>The destination's name (<c>Destinations__Default</c>, setting names, its HTTP client and throttle).</summary>
    string Name { get; }

    /// <summary>The old name of <see cref="Name"/>, still read by the fleet (Destinations/Http/Fleet) until the limits move lands.</summary>
    string Destination => Name;

    CrmHttpOptions Options { get; }

    /// <summary>Why the settings cannot be used, in sentences naming each setting; null when they are fine.</summary>
    string? Problem { get; }

    FieldMapping? Mapping { get; }

    /// <summary>The base address of the destination's HTTP client.</summary>
    Uri ApiRoot { get; }

    /// <summary>Whom the CRM counts its limits against: instances with the same owner share one budget. Only a hash is stored.</summary>
    string LimitOwner { get; }
}
