using LeadFunctions.Settings;

namespace LeadFunctions.Destinations.Limits.Fleet;

/// <summary>Wrong values are reported and the instance throttles itself alone.</summary>
public sealed class FleetOptions : IValidatableObject
{
    public const string Section = "Destinations:Fleet";

    /// <summary>Off, each instance throttles itself alone.</summary>
    public bool Enabled { get; set; } = true;

    public string TableName { get; set; } = "CrmFleet";

    /// <summary>How often each instance renews its membership and reads its share (and at once after a <c>429</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", ValidatedOptions.LongestTimeSpan, MinimumIsExclusive = true,
        ErrorMessage = "Destinations__Fleet__RenewEvery must be positive.")]
    public TimeSpan RenewEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an instance counts as a member after its last renewal (and holds its claim).</summary>
    public TimeSpan MemberTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MemberTimeout < 3 * RenewEvery)
        {
            yield return new(
                "Destinations__Fleet__MemberTimeout must be at least three times Destinations__Fleet__RenewEvery.", [nameof(MemberTimeout)]);
        }

        if (string.IsNullOrWhiteSpace(TableName) || TableName.Length is < 3 or > 63 || !TableName.All(char.IsAsciiLetterOrDigit)
            || !char.IsAsciiLetter(TableName[0]))
        {
            yield return new(
                $"Destinations__Fleet__TableName '{TableName}' is not a table name (3 to 63 letters and digits, starting with a letter).",
                [nameof(TableName)]);
        }
    }
}
