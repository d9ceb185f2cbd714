using LeadFunctions.Destinations.Limits;
using LeadFunctions.Destinations.Mapping;

namespace LeadFunctions.Destinations.Http;

/// <summary>What every CRM destination's settings give the shared plumbing: its name, options, mapping, API root, or the problem.</summary>
public interface ICrmSettings : ILimitedUser
{
    CrmHttpOptions Options { get; }

    FieldMapping? Mapping { get; }

    /// <summary>The base address of the destination's HTTP client.</summary>
    Uri ApiRoot { get; }

    int ILimitedUser.FleetMaxConcurrency => Options.FleetMaxConcurrency;

    TimeSpan ILimitedUser.AttemptTimeout => Options.Timeout;
}
