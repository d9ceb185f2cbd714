namespace LeadFunctions.Delivery;

/// <summary>Settings of ProcessLead (<c>Delivery__…</c>).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>How long a lead may keep failing transiently before it goes to the poison queue (counted from receipt).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(72);

    /// <summary>The delay before the first re-scheduled attempt; it doubles with every attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>What to do with Partner Center's test leads (<c>MSFT_TEST_…</c>): deliver them like any lead, or skip them.</summary>
    public TestLeadHandling TestLeads { get; set; } = TestLeadHandling.Deliver;

    /// <summary>The table that records each delivery (lead id, destination, times); empty turns the journal off.</summary>
    public string? JournalTable { get; set; } = "LeadDeliveries";
}

public enum TestLeadHandling
{
    Deliver,
    Skip,
}
