using LeadFunctions.Leads;

namespace LeadFunctions.Delivery;

/// <summary>Destinations key records by the lead id, so an envelope whose id is not its lead's hash would skip or
/// overwrite another lead's record: it is poisoned instead (docs/design.md, "Exactly once").</summary>
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
