using Microsoft.AspNetCore.Mvc;

namespace LeadFunctions.Functions;

/// <summary>The worker writes an <see cref="IActionResult"/>, not the <see cref="IResult"/> the shared handlers return.</summary>
public sealed class HttpResultAction(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Result.ExecuteAsync(context.HttpContext);
    }
}
