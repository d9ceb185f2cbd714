using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Hosting;

/// <summary>What anyone may learn: up, degraded or down.</summary>
public sealed record HealthSummary(string Status);
