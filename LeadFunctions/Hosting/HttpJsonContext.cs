using System.Text.Json;
using System.Text.Json.Serialization;
using LeadFunctions.Hosting.CustomHandler;
using LeadFunctions.Intake;
using LeadFunctions.Leads;

namespace LeadFunctions.Hosting;

/// <summary>
/// Every type the app's HTTP answers carry as JSON, source-generated so that trimming and Native AOT keep what they
/// need (no reflection). <see cref="HostingExtensions.AddHosting"/> puts it first in ASP.NET Core's resolver chain.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ServiceAnswer))]
[JsonSerializable(typeof(HealthAnswer))]
[JsonSerializable(typeof(InvocationResponse))]
[JsonSerializable(typeof(LeadAccepted))]
[JsonSerializable(typeof(LeadIssue[]))] // the "errors" extension of an invalid lead's problem details
[JsonSerializable(typeof(string))]      // a queue message the Functions host JSON-encoded as a string
internal sealed partial class HttpJsonContext : JsonSerializerContext;
