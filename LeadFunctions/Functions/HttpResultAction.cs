using Microsoft.AspNetCore.Mvc;

namespace LeadFunctions.Functions;

/// <summary>
/// The worker's ASP.NET Core integration writes a function's <see cref="IActionResult"/>, not the minimal-API
/// <see cref="IResult"/> that the shared handlers return (and standalone mode writes): this carries one as the other.
/// </summary>
public sealed class HttpResultAction(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Result.ExecuteAsync(context.HttpContext);
    }
}
