using LeadFunctions.Intake;

namespace LeadFunctions.Hosting.Standalone;

/// <summary>Standalone mode checks the keys itself, so it cannot start without one.</summary>
internal sealed class KeysRequired : IValidateOptions<IntakeOptions>
{
    public ValidateOptionsResult Validate(string? name, IntakeOptions options) => string.IsNullOrWhiteSpace(options.Keys)
        ? ValidateOptionsResult.Fail("Standalone mode needs at least one key in Intake__Keys (';'-separated); copy local.settings.sample.json to " +
            "local.settings.json for the dev key.")
        : ValidateOptionsResult.Success;
}
