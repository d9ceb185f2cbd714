using LeadFunctions.Leads;

namespace LeadFunctions.Delivery;

/// <summary>An id that is not its lead's could skip or overwrite another lead's record (docs/design.md, "Exactly once").</summary>
public static class LeadIdCheck
{
    public const string Code = "LeadIdMismatch";

    public static DeliveryFailure? Mismatch(LeadEnvelope envelope, LeadReadResult read)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(read);
        return string.Equals(read.LeadId, envelope.LeadId, StringComparison.Ordinal)
            ? null
            : new DeliveryFailure("intake", null, Code,
                $"The envelope's lead id is not the id of its lead (the hash of its canonical form is {read.LeadId}); it was not delivered, so " +
                    "that no record keyed by that id is skipped or overwritten.");
    }
}
