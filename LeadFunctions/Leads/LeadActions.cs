namespace LeadFunctions.Leads;

/// <summary>Partner Center's action codes. Unknown codes are kept as they are, never rejected.</summary>
public static class LeadActions
{
    public static string? Describe(string? actionCode) => actionCode?.Trim().ToUpperInvariant() switch
    {
        null or "" => null,
        "INS" => "Install",
        "PLT" => "Contact me",
        "DNC" => "Do not contact",
        "CREATE" => "Create",
        "STARTTESTDRIVE" => "Start test drive",
        _ => actionCode,
    };

    public static bool IsDoNotContact(string? actionCode) => string.Equals(actionCode?.Trim(), "DNC", StringComparison.OrdinalIgnoreCase);
}
