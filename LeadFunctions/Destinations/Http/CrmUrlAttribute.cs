namespace LeadFunctions.Destinations.Http;

/// <summary>
/// A CRM's base URL setting: absolute https without a path but <see cref="AllowedPath"/> (plain http only on loopback);
/// a problem names <see cref="Setting"/> and says what to give, <see cref="What"/>, e.g. <see cref="Example"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CrmUrlAttribute(string setting, string what, string example) : ValidationAttribute
{
    public string Setting { get; } = setting;

    public string What { get; } = what;

    public string Example { get; } = example;

    public string? AllowedPath { get; set; }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        return Problem(value as string) is { } problem
            ? new ValidationResult(problem, validationContext.MemberName is { } member ? [member] : null)
            : ValidationResult.Success;
    }

    private string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return $"{Setting} is missing: set it to {What}, e.g. {Example}.";
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return $"{Setting} '{value}' is not an absolute https URL such as {Example}.";
        }

        if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
        {
            return $"{Setting} '{value}' must use https (plain http is only for local emulators on this machine).";
        }

        var path = url.AbsolutePath.TrimEnd('/');
        return path.Length > 0 && !string.Equals(path, AllowedPath?.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            ? $"{Setting} '{value}' has a path; give only {What}, e.g. {Example}."
            : null;
    }
}
