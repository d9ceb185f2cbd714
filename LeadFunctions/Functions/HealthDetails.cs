using LeadFunctions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LeadFunctions.Functions;

/// <summary><c>GET /api/health/details?code=KEY</c>: each check's and each destination's status (<see cref="LeadHealth"/>).</summary>
public sealed class HealthDetails(LeadHealth health)
{
    [Function(nameof(HealthDetails))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = LeadHealth.DetailsRoute)] HttpRequest request) =>
        new HttpResultAction(await health.DetailsAsync(request.HttpContext.RequestAborted).ConfigureAwait(false));
}
