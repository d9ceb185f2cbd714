using System.Reflection;

namespace LeadFunctions.Settings;

/// <summary>The one way the app reads its settings: bound and checked by data annotations whose messages name the setting.
/// Settings the process needs stop it at start; a CRM's (and the fleet's) are reported instead (<see cref="ProblemsOf"/>):
/// intake never stops for them.</summary>
public static class ValidatedOptions
{
    /// <summary><see cref="TimeSpan.MaxValue"/>, the upper end of a <see cref="RangeAttribute"/> for a duration without one.</summary>
    public const string LongestTimeSpan = "10675199.02:48:05.4775807";

    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration section)
        where T : class =>
        services.AddOptions<T>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>Checked the same way, for settings needed before there are services (which telemetry exporters to add).</summary>
    public static T Read<T>(IConfiguration section)
        where T : class, new()
    {
        var options = section.Get<T>() ?? new T();
        var result = new DataAnnotationValidateOptions<T>(Options.DefaultName).Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(T), result.Failures) : options;
    }

    /// <summary>Unlike at start, <c>Validate</c> runs even when an attribute failed, so it must not count on them.</summary>
    public static IReadOnlyList<string> ProblemsOf(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var attributes = property.GetCustomAttributes<ValidationAttribute>(inherit: true).ToList();
            if (attributes.Count == 0 || property.GetIndexParameters().Length > 0) continue;
            Validator.TryValidateValue(property.GetValue(options), new ValidationContext(options) { MemberName = property.Name }, results,
                attributes);
        }

        if (options is IValidatableObject validatable) results.AddRange(validatable.Validate(new ValidationContext(options)));
        return results.Select(r => r.ErrorMessage).OfType<string>().ToList();
    }
}
