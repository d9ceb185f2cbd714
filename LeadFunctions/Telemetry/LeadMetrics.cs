using System.Diagnostics;
using System.Diagnostics.Metrics;
using LeadFunctions.Leads;

namespace LeadFunctions.Telemetry;

/// <summary>The counters an operator watches: received, rejected (by reason), accepted, delivered, retried, poisoned, and delivery latency.</summary>
public sealed class LeadMetrics
{
    public const string MeterName = "LeadFunctions";

    private readonly Counter<long> _received;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _poisoned;
    private readonly Histogram<double> _latency;
    private readonly BoundedDimension _offers = new();
    private readonly BoundedDimension _sources = new();
    private readonly BoundedDimension _actions = new();

    public LeadMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>("leads.received", "{lead}", "Requests to the lead endpoint.");
        _rejected = meter.CreateCounter<long>("leads.rejected", "{lead}", "Requests answered without accepting a lead, by reason.");
        _accepted = meter.CreateCounter<long>("leads.accepted", "{lead}", "Leads stored in the queue and answered 202.");
        _delivered = meter.CreateCounter<long>("leads.delivered", "{lead}", "Leads the destination has, by destination.");
        _retried = meter.CreateCounter<long>("leads.retried", "{lead}", "Delivery attempts that failed transiently and were re-scheduled.");
        _poisoned = meter.CreateCounter<long>("leads.poisoned", "{lead}", "Leads moved to the poison queue, by reason code.");
        _latency = meter.CreateHistogram<double>("leads.delivery.latency", "s", "Time from receipt to delivery.");
    }

    public void Received() => _received.Add(1);

    public void Refused(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>An accepted lead, by offer (the offer id of <c>LeadSource</c>, else the offer title), marketplace and action, each bounded.</summary>
    public void Accepted(Lead lead, bool duplicate)
    {
        ArgumentNullException.ThrowIfNull(lead);
        _accepted.Add(1, new TagList
        {
            { "duplicate", duplicate },
            { "test_lead", lead.IsTestLead },
            { "offer", _offers.Of(lead.Source.Offer ?? lead.OfferTitle) },
            { "source", _sources.Of(lead.Source.Marketplace) },
            { "action", _actions.Of(lead.ActionCode ?? lead.Source.Action) },
        });
    }

    public void Delivered(string destination, bool alreadyThere, TimeSpan latency)
    {
        _delivered.Add(1, new("destination", destination), new("already_there", alreadyThere));
        _latency.Record(latency.TotalSeconds, new KeyValuePair<string, object?>("destination", destination));
    }

    public void Retried(string destination, int? status) =>
        _retried.Add(1, new("destination", destination), new("status", status));

    public void Poisoned(string destination, string? code) =>
        _poisoned.Add(1, new("destination", destination), new("code", code ?? "none"));
}
