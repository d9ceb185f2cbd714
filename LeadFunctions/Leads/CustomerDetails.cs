namespace LeadFunctions.Leads;

/// <summary>The <c>UserDetails</c> of a lead. Any field may be missing (e.g. <c>.edu</c> customers).</summary>
public sealed record CustomerDetails(
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    string? Country,
    string? Company,
    string? Title);
