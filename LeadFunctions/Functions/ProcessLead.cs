using LeadFunctions.Delivery;
using Microsoft.Azure.Functions.Worker;

namespace LeadFunctions.Functions;

/// <summary>The queue trigger; <see cref="LeadProcessor"/> decides about the lead. Throwing asks the host for another try.</summary>
public sealed class ProcessLead(LeadProcessor processor)
{
    /// <summary>The app setting that names the lead queue (the host resolves <c>%LeadQueueName%</c> from it).</summary>
    public const string QueueSetting = "LeadQueueName";

    public const string Connection = "AzureWebJobsStorage";

    [Function(nameof(ProcessLead))]
    public Task RunAsync([QueueTrigger($"%{QueueSetting}%", Connection = Connection)] string message, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.BindingContext.BindingData;
        var dequeueCount = Number(metadata, "DequeueCount") ?? 1;
        return processor.ProcessAsync(new QueuedMessage(message, dequeueCount, Text(metadata, "Id")), context.CancellationToken);
    }

    /// <summary>A trigger metadata value as a number: the host may send it as a number or as JSON text.</summary>
    internal static long? Number(IReadOnlyDictionary<string, object?> metadata, string name) =>
        Text(metadata, name) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    internal static string? Text(IReadOnlyDictionary<string, object?> metadata, string name)
    {
        if (!metadata.TryGetValue(name, out var value) || value is null) return null;
        var text = Convert.ToString(value, CultureInfo.InvariantCulture);
        if (text is ['"', .., '"'])
        {
            try
            {
                using var quoted = JsonDocument.Parse(text);
                return quoted.RootElement.GetString();
            }
            catch (JsonException)
            {
            }
        }

        return text;
    }
}
