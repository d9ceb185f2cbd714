namespace LeadFunctions.Telemetry;

/// <summary>
/// A value taken from a lead for a log line, cleaned by <see cref="LogText.Of"/> only when the line is written (the
/// logger formats it, and exporters read it, through <see cref="ToString"/>).
/// </summary>
public readonly record struct LoggedValue(string? Value)
{
    public override string ToString() => string.IsNullOrWhiteSpace(Value) ? "-" : LogText.Of(Value)!;
}
