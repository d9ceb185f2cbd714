namespace LeadFunctions.Leads;

/// <param name="Name">The canonical spelling, as the schema writes it.</param>
/// <param name="Type">The JSON type the schema declares (<c>string</c>, <c>object</c>, …), if any.</param>
public sealed record SchemaProperty(string Name, string? Type, SchemaObject? Children);
