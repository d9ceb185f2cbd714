using System.Reflection;

namespace LeadFunctions.Settings;

/// <summary>
/// The one way the app reads its settings: an options class bound from its configuration section and checked by its
/// data annotations (each message names the setting, e.g. <c>Intake__MaxBodyBytes</c>, and <see cref="IValidatableObject"/>
/// checks settings that depend on each other or whose message quotes the value). Settings the process cannot run
/// without are checked at start, so a wrong value stops it with that message. A CRM's settings (and the fleet's) are
/// checked by the same annotations but reported instead (<see cref="ProblemsOf"/>, docs/settings.md): intake never
/// stops for them.
/// </summary>
public static class ValidatedOptions
{
    /// <summary><see cref="TimeSpan.MaxValue"/>, the upper end of a <see cref="RangeAttribute"/> for a duration without one.</summary>
    public const string LongestTimeSpan = "10675199.02:48:05.4775807";

    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and checks it at start.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration section)
        where T : class =>
        services.AddOptions<T>().Bind(section).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>
    /// <typeparamref name="T"/> as <paramref name="section"/> binds it, checked the same way: for the few settings
    /// needed while the app is being composed (which telemetry exporters to add), before there are services.
    /// </summary>
    public static T Read<T>(IConfiguration section)
        where T : class, new()
    {
        var options = section.Get<T>() ?? new T();
        var result = new DataAnnotationValidateOptions<T>(Options.DefaultName).Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(T), result.Failures) : options;
    }

    /// <summary>
    /// Every problem <paramref name="options"/>' data annotations find, one sentence each, for settings that are
    /// reported rather than checked at start. Unlike the start-up check, which skips
    /// <see cref="IValidatableObject.Validate"/> once an attribute fails, both always run, so that every problem is
    /// reported at once (a <c>Validate</c> therefore must not count on the attributes having passed).
    /// </summary>
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
