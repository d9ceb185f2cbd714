using Microsoft.Azure.Functions.Worker;
using Moq;

namespace LeadFunctions.Tests.Functions;

/// <summary>A <see cref="FunctionContext"/> as the worker hands one to a queue-triggered function: its trigger metadata and cancellation.</summary>
public static class FunctionContexts
{
    public static FunctionContext WithTriggerMetadata(IReadOnlyDictionary<string, object?> metadata, CancellationToken cancellationToken = default)
    {
        var binding = new Mock<BindingContext>();
        binding.Setup(b => b.BindingData).Returns(metadata);
        var context = new Mock<FunctionContext>();
        context.Setup(c => c.BindingContext).Returns(binding.Object);
        context.Setup(c => c.CancellationToken).Returns(cancellationToken);
        context.Setup(c => c.InvocationId).Returns(Guid.NewGuid().ToString());
        context.Setup(c => c.FunctionId).Returns("ProcessLead");
        return context.Object;
    }
}
