using LeadFunctions.Intake;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LeadFunctions.Functions;

/// <summary>
/// <c>POST /api/leads?code=KEY</c>, the endpoint Partner Center posts leads to. The host has checked the function key
/// before the request gets here; <see cref="LeadIntake"/> does the rest.
/// </summary>
public sealed class ReceiveLead(LeadIntake intake)
{
    [Function(nameof(ReceiveLead))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = LeadIntake.Route)] HttpRequest request) =>
        new HttpResultAction(await intake.ReceiveAsync(request).ConfigureAwait(false));
}
