using System.ComponentModel.DataAnnotations;
using LeadFunctions.Settings;

namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>
/// How app instances share one CRM user's limits (<c>Destinations__Fleet__…</c>): through a table in the app's storage account
/// (<c>AzureWebJobsStorage</c>), one partition per CRM user, renewed by every instance. Each destination's fleet-wide
/// concurrency is <c>Destinations__&lt;Destination&gt;__FleetMaxConcurrency</c>. See docs/design.md, "Decisions". Wrong values
/// are reported (<see cref="ValidatedOptions.ProblemsOf"/>) and the instance throttles itself alone: deliveries go on.
/// </summary>
public sealed class FleetOptions : IValidatableObject
{
    public const string Section = "Destinations:Fleet";

    /// <summary>Whether instances share the limits (on by default); off, each instance throttles itself alone.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The table that holds the shared limits and the instances sharing them.</summary>
    public string TableName { get; set; } = "CrmFleet";

    /// <summary>
    /// How often each instance renews its membership and reads the fleet's share (and at once after a <c>429</c>); in a
    /// fleet of N instances at least every N² ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", ValidatedOptions.LongestTimeSpan, MinimumIsExclusive = true, ErrorMessage = "Destinations__Fleet__RenewEvery must be positive.")]
    public TimeSpan RenewEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an instance counts as a member after its last renewal: a crashed instance's share goes to the others
    /// after its attempts must have ended. An instance that cannot renew for this long sends nothing to a CRM with a
    /// fleet-wide concurrency limit until it renews.
    /// </summary>
    public TimeSpan MemberTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MemberTimeout < 3 * RenewEvery)
        {
            yield return new("Destinations__Fleet__MemberTimeout must be at least three times Destinations__Fleet__RenewEvery.", [nameof(MemberTimeout)]);
        }

        if (string.IsNullOrWhiteSpace(TableName) || TableName.Length is < 3 or > 63 || !TableName.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(TableName[0]))
        {
            yield return new($"Destinations__Fleet__TableName '{TableName}' is not a table name (3 to 63 letters and digits, starting with a letter).", [nameof(TableName)]);
        }
    }
}
