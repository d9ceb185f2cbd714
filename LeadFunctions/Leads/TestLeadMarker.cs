namespace LeadFunctions.Leads;

/// <summary>Recognises Partner Center's test leads: names <c>MSFT_TEST_&lt;digits&gt;</c>, email <c>MSFT_TEST_&lt;digits&gt;@test.com</c>.</summary>
public static partial class TestLeadMarker
{
    public static bool IsTestLead(Lead lead) =>
        IsMarker(lead.Customer.Email, TestEmail())
        || (IsMarker(lead.Customer.FirstName, TestName()) && IsMarker(lead.Customer.LastName, TestName()));

    private static bool IsMarker(string? value, Regex pattern) => value is not null && pattern.IsMatch(value.Trim());

    [GeneratedRegex(@"^MSFT_TEST_\d+$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex TestName();

    [GeneratedRegex(@"^MSFT_TEST_\d+@test\.com$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex TestEmail();
}
