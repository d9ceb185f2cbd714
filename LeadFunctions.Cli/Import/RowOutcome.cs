using System.Text.Json.Serialization;

namespace LeadFunctions.Cli.Import;

[JsonConverter(typeof(JsonStringEnumConverter<RowOutcome>))]
internal enum RowOutcome
{
    /// <summary>Accepted (2xx) and new to this import and, as far as it knows, to the endpoint.</summary>
    [JsonStringEnumMemberName("imported")]
    Imported,

    /// <summary>Accepted, with a lead id seen before: earlier in this file, or by the endpoint (<c>duplicate:
    /// true</c>). The destination still holds it once.</summary>
    [JsonStringEnumMemberName("duplicate")]
    Duplicate,

    /// <summary>Not a lead (400, 413, 415): sending it again will not help.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,

    /// <summary>Not accepted for another reason (still 503 after the last attempt, network, 5xx, wrong key): sending it again may.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Not sent: the import could not read the row for certain, or a value would run as a spreadsheet formula
    /// (the reason says which).</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,

    /// <summary>Not sent, or waiting to be sent again, when the import stopped (a wrong key or URL, or Ctrl+C), or
    /// because the file is in doubt.</summary>
    [JsonStringEnumMemberName("notSent")]
    NotSent,
}
