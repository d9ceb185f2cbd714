using LeadFunctions.Leads;

namespace LeadFunctions.Delivery;

/// <summary>
/// Delivery checks the envelope's lead id against its lead (docs/design.md, "Exactly once"): the id is the hash of the
/// lead's canonical form, and every destination keys the record by it. An envelope whose id is not its lead's — another
/// writer's, or a tampered one — would make a destination answer "already there" for the lead that owns the id and
/// drop this one's data, or overwrite it. So it is not delivered; it goes to the poison queue as <c>LeadIdMismatch</c>,
/// its lead kept whole for the operator.
/// </summary>
public static class LeadIdCheck
{
    public const string Code = "LeadIdMismatch";

    /// <summary>The failure when <paramref name="read"/> (the envelope's lead, read again) has another id than the
    /// envelope says; else null.</summary>
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
