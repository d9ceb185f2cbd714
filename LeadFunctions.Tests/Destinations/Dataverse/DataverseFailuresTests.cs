using LeadFunctions.Destinations;
using LeadFunctions.Delivery;
using LeadFunctions.Destinations.Dataverse;

namespace LeadFunctions.Tests.Destinations.Dataverse;

public sealed class DataverseFailuresTests
{
    [Theory]
    [InlineData(204, false)]
    [InlineData(201, false)]
    [InlineData(412, true)]
    public void Created_and_already_there_are_delivered(int status, bool alreadyThere)
    {
        var outcome = DataverseFailures.Classify(status, DataverseError.None, null);

        Assert.Equal(new DeliveryOutcome.Delivered(alreadyThere), outcome);
    }

    [Theory]
    [InlineData(408, "")]
    [InlineData(429, "0x80072322")]
    [InlineData(429, "0x80072326")]
    [InlineData(500, "0x80040216")]
    [InlineData(500, "0x0")]
    [InlineData(502, "")]
    [InlineData(503, "")]
    [InlineData(504, "")]
    public void Throttling_timeouts_and_server_errors_are_retried_later_honouring_Retry_After(int status, string code)
    {
        var outcome = DataverseFailures.Classify(status, new DataverseError(code, "Busy."), TimeSpan.FromSeconds(7));

        var retry = Assert.IsType<DeliveryOutcome.RetryLater>(outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), retry.RetryAfter);
        Assert.Equal(status, retry.Failure.Status);
        Assert.Equal("Dataverse", retry.Failure.Destination);
    }

    [Theory]
    [InlineData(400, "0x80044331", "Destinations__Dataverse__MaxLength__")]
    [InlineData(400, "0x80060888", "Destinations__Dataverse__Mapping__")]
    [InlineData(400, "0x0", "Destinations__Dataverse__Mapping")]
    [InlineData(401, "", "even after a refresh")]
    [InlineData(403, "0x80040220", "security role with Create and Read on Lead")]
    [InlineData(404, "0x8006088a", "Destinations__Dataverse__Url")]
    [InlineData(500, "0x80040333", "duplicate-detection rule")]
    [InlineData(501, "", "")]
    public void Permanent_failures_go_to_poison_with_status_code_message_and_advice(int status, string code, string advice)
    {
        var outcome = DataverseFailures.Classify(status, new DataverseError(code, "What Dataverse said.\n   at Some.Stack.Trace()"), null);

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.Equal(status, cannot.Failure.Status);
        Assert.Equal(code.Length == 0 ? null : code, cannot.Failure.Code);
        Assert.StartsWith("What Dataverse said.", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Stack.Trace", cannot.Failure.Message, StringComparison.Ordinal);
        Assert.Contains(advice, cannot.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_detection_is_classified_by_code_not_by_its_500_status()
    {
        Assert.False(DataverseFailures.IsTransient(500, "0x80040333"));
        Assert.True(DataverseFailures.IsTransient(500, "0x80040216"));
        Assert.True(DataverseFailures.IsTransient(500, null));
    }

    [Fact]
    public void Values_we_sent_never_appear_in_the_reason()
    {
        var error = new DataverseError("0x0", "Cannot convert the literal 'ada@contoso.example' to the expected type 'Edm.Int32'.");

        var outcome = DataverseFailures.Classify(400, error, null, ["ada@contoso.example", "Ada"]);

        var cannot = Assert.IsType<DeliveryOutcome.CannotDeliver>(outcome);
        Assert.DoesNotContain("ada@contoso.example", cannot.Failure.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Cannot convert the literal '[value]'", cannot.Failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OData_error_body_is_read_and_anything_else_is_no_error()
    {
        Assert.Equal(new DataverseError("0x80044331", "Too long."), DataverseError.Parse("""{"error":{"code":"0x80044331","message":"Too long.","innererror":{}}}"""));
        Assert.Equal(new DataverseError(null, "No code."), DataverseError.Parse("""{"error":{"code":"","message":"No code."}}"""));
        Assert.Equal(DataverseError.None, DataverseError.Parse("<html>Bad gateway</html>"));
        Assert.Equal(DataverseError.None, DataverseError.Parse(""));
        Assert.Equal(DataverseError.None, DataverseError.Parse("""{"message":"not OData"}"""));
    }
}
