using System.Globalization;
using System.Net;
using LeadFunctions.Destinations.Http;
using LeadFunctions.Destinations.Limits;

namespace LeadFunctions.Destinations.Dataverse;

/// <summary>
/// The per-attempt handler of the Dataverse client: token and one refresh on <c>401</c> (<see cref="CrmRequestHandler"/>),
/// plus what only Dataverse says — the <c>x-ms-dop-hint</c> caps the concurrency, and <c>412</c> (already there) is
/// an answer the server gave without trouble.
/// </summary>
public sealed class DataverseRequestHandler(DataverseToken token, DestinationThrottle throttle, TimeProvider time) : CrmRequestHandler(token, throttle, time)
{
    public const string DopHintHeader = "x-ms-dop-hint";

    protected override void Observe(HttpResponseMessage response, DateTimeOffset sentAt)
    {
        if (response.Headers.TryGetValues(DopHintHeader, out var values) &&
            int.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var hint))
        {
            Throttle.AdoptHint(hint);
        }

        base.Observe(response, sentAt);
    }

    protected override bool Succeeded(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.PreconditionFailed || base.Succeeded(response);
}
