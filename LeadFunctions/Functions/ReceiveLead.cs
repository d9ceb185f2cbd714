using LeadFunctions.Intake;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LeadFunctions.Functions;

/// <summary><c>POST /api/leads?code=KEY</c>, which Partner Center posts leads to; the host has checked the key.</summary>
public sealed class ReceiveLead(LeadIntake intake)
{
    [Function(nameof(ReceiveLead))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = LeadIntake.Route)] HttpRequest request) =>
        new HttpResultAction(await intake.ReceiveAsync(request).ConfigureAwait(false));
}
