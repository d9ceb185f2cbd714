using LeadFunctions.Destinations.Http;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>The OData error body Dataverse answers with, <c>{"error":{"code","message"}}</c>. The code is often empty or <c>0x0</c>.</summary>
public sealed record DataverseError(string? Code, string? Message)
{
    public static DataverseError None { get; } = new(null, null);

    public static async Task<DataverseError> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        Parse(await CrmAnswer.FailureBodyAsync(response, cancellationToken).ConfigureAwait(false));

    public static DataverseError Parse(string? body) => CrmAnswer.ParseError(body, root =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            ? new DataverseError(CrmAnswer.Text(error, "code"), CrmAnswer.Text(error, "message"))
            : null, None);
}
