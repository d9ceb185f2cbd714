namespace LeadFunctions.Telemetry;

/// <summary>A value from a lead for a log line, cleaned only when the line is written (through <see cref="ToString"/>).</summary>
public readonly record struct LoggedValue(string? Value)
{
    public override string ToString() => string.IsNullOrWhiteSpace(Value) ? "-" : LogText.Of(Value)!;
}
