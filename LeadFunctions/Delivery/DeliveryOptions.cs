namespace LeadFunctions.Delivery;

/// <summary>Settings of ProcessLead (<c>Delivery__…</c>).</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string Section = "Delivery";

    /// <summary>How long a lead may keep failing transiently before it goes to the poison queue (counted from receipt).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "3650.00:00:00", ErrorMessage = "Delivery__MaxAge must be positive.")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(72);

    /// <summary>The delay before the first re-scheduled attempt; it doubles with every attempt up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00", ErrorMessage = "Delivery__FirstRetryDelay must not be negative.")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    public TestLeadHandling TestLeads { get; set; } = TestLeadHandling.Deliver;

    /// <summary>The table that records each delivery (lead id, destination, times); empty turns the journal off.</summary>
    public string? JournalTable { get; set; } = "LeadDeliveries";

    /// <summary>Where <see cref="SettlementLedger"/> records which copy of a message poisons or re-schedules a lead.</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,62}$", ErrorMessage = "Delivery__SettlementTable must be a table name: 3 to 63 letters and digits, " +
        "starting with a letter.")]
    public string SettlementTable { get; set; } = "LeadSettlements";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxRetryDelay < FirstRetryDelay) yield return new("Delivery__MaxRetryDelay must be at least " +
            "Delivery__FirstRetryDelay.", [nameof(MaxRetryDelay)]);
    }
}
