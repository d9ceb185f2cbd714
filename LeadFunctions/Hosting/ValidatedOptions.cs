using Microsoft.Extensions.Options;

namespace LeadFunctions.Hosting;

/// <summary>
/// The one way the app reads its settings: an options class bound from its configuration section and checked by its
/// data annotations (each message names the setting, e.g. <c>Intake__MaxBodyBytes</c>, and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>
/// checks settings that depend on each other). Settings the process cannot run without are checked at start, so a
/// wrong value stops it with that message; a CRM's settings are checked the same way but reported instead
/// (docs/settings.md): intake never stops for them.
/// </summary>
public static class ValidatedOptions
{
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
}
