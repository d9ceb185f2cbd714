using System.Diagnostics;
using LeadFunctions.Leads;

namespace LeadFunctions.Telemetry;

/// <summary>Request, message and CRM call as one trace; attributes carry ids and codes, never lead data.</summary>
public static class LeadTracing
{
    public const string SourceName = "LeadFunctions";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartEnqueue(string queueName, string leadId)
    {
        var activity = Source.StartActivity($"{queueName} send", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "azure_queue_storage");
        activity?.SetTag("messaging.destination.name", queueName);
        activity?.SetTag("lead.id", leadId);
        return activity;
    }

    public static Activity? StartProcess(LeadEnvelope envelope)
    {
        var links = Activity.Current is { } invocation ? new[] { new ActivityLink(invocation.Context) } : null;
        ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, isRemote: true, out var parent);
        var activity = Source.StartActivity(ActivityKind.Consumer, parent, links: links, name: "ProcessLead");
        activity?.SetTag("lead.id", envelope.LeadId);
        activity?.SetTag("lead.attempt", envelope.Attempt);
        return activity;
    }

    public static (string? TraceParent, string? TraceState) CurrentContext() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? (current.Id, current.TraceStateString) : (null, null);
}
