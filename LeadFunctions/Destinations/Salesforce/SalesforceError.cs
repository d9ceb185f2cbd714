using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Salesforce;

/// <summary>One entry of the error array the Salesforce REST API answers with: <c>[{"message","errorCode","fields"}]</c>.</summary>
public sealed record SalesforceError(string? Code, string? Message, IReadOnlyList<string> Fields)
{
    public static SalesforceError None { get; } = new(null, null, []);

    public static async Task<SalesforceError> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        Parse(await CrmAnswer.FailureBodyAsync(response, cancellationToken).ConfigureAwait(false));

    /// <summary>The first error of the array (Salesforce lists the most relevant first); <see cref="None"/> for anything else.</summary>
    public static SalesforceError Parse(string? body) => CrmAnswer.ParseError(body, root =>
    {
        var first = root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0 ? root[0] : root;
        if (first.ValueKind != JsonValueKind.Object) return null;
        var fields = first.TryGetProperty("fields", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(f => f.ValueKind == JsonValueKind.String).Select(f => f.GetString()!).ToList()
            : [];
        return new SalesforceError(CrmAnswer.Text(first, "errorCode"), CrmAnswer.Text(first, "message"), fields);
    }, None);
}
