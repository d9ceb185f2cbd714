using LeadFunctions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LeadFunctions.Functions;

/// <summary><c>GET /api/health</c>, anonymous: up or down, nothing more (<see cref="LeadHealth"/>).</summary>
public sealed class Health(LeadHealth health)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = LeadHealth.Route)] HttpRequest request) =>
        new HttpResultAction(await health.SummaryAsync(request.HttpContext.RequestAborted).ConfigureAwait(false));
}
