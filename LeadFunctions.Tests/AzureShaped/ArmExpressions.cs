using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace LeadFunctions.Tests.AzureShaped;

/// <summary>
/// The part of ARM's template language that the compiled infra/main.bicep uses to build the function app's settings
/// (parameters, variables, createObject, union, if, empty, equals, format, concat, reference, resourceId, ...),
/// evaluated as Azure would, except that what only exists once deployed (a resource's <c>reference(…)</c> property,
/// a subscription's id) becomes a placeholder <c>⟪type:path⟫</c> (<see cref="Deployed"/>) for the local run to fill.
/// A function it does not know fails loudly rather than guessing.
/// </summary>
public sealed class ArmScope(JsonObject template, IReadOnlyDictionary<string, object?> parameters)
{
    private readonly Dictionary<string, object?> _variables = [];

    public JsonObject Template => template;

    /// <summary>A template value: an expression string (<c>[…]</c>) is evaluated, objects and arrays member by member.</summary>
    public object? Evaluate(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, ToNode(Evaluate(p.Value))))),
        JsonArray a => new JsonArray(a.Select(e => ToNode(Evaluate(e))).ToArray()),
        JsonValue v when v.TryGetValue<string>(out var s) => s.StartsWith('[') && s.EndsWith(']') && !s.StartsWith("[[", StringComparison.Ordinal)
            ? new ArmExpressionReader(s[1..^1], this).Read()
            : s.StartsWith("[[", StringComparison.Ordinal) ? s[1..] : s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v => v.GetValue<long>(),
        _ => throw new InvalidOperationException($"Unexpected template value {node.ToJsonString()}."),
    };

    public object? Parameter(string name)
    {
        if (parameters.TryGetValue(name, out var value)) return value;
        var declared = template["parameters"]?[name] ?? throw new InvalidOperationException($"The template has no parameter '{name}'.");
        return declared.AsObject().TryGetPropertyValue("defaultValue", out var defaultValue)
            ? Evaluate(defaultValue)
            : throw new InvalidOperationException($"Parameter '{name}' has no default and was not given.");
    }

    public object? Variable(string name)
    {
        if (_variables.TryGetValue(name, out var value)) return value;
        var declared = template["variables"]?.AsObject() is { } variables && variables.TryGetPropertyValue(name, out var node)
            ? node
            : throw new InvalidOperationException($"The template has no variable '{name}'.");
        return _variables[name] = Evaluate(declared);
    }

    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        JsonNode n => n.DeepClone(),
        Deployed or ResourceId => JsonValue.Create(Text(value)),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        _ => throw new InvalidOperationException($"Cannot make a JSON value of {value.GetType().Name}."),
    };

    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        Deployed d => d.Placeholder,
        ResourceId r => $"⟪{r.Type}/{r.Name}:id⟫",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonNode n => n.ToJsonString(),
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>A resource id (<c>resourceId(type, name)</c>): what <c>reference</c> is given.</summary>
public sealed record ResourceId(string Type, string Name);

/// <summary>
/// A value Azure knows only once the resource is deployed: <c>reference(resourceId(type, name)).path</c>. Its
/// placeholder names the resource type (and a module's name, which is literal) and the path, not the generated name.
/// </summary>
public sealed record Deployed(ResourceId Resource, IReadOnlyList<string> Path)
{
    public string Placeholder => Resource.Type == "Microsoft.Resources/deployments"
        ? $"⟪{Resource.Type}/{Resource.Name}:{string.Join('.', Path)}⟫"
        : $"⟪{Resource.Type}:{string.Join('.', Path)}⟫";
}

/// <summary>Reads and evaluates one ARM expression (the text between the brackets).</summary>
internal sealed class ArmExpressionReader(string text, ArmScope scope)
{
    private int _at;

    public object? Read()
    {
        var value = Expression();
        Skip();
        return _at == text.Length ? value : throw Error("unexpected text");
    }

    private object? Expression()
    {
        var value = Primary();
        while (true)
        {
            Skip();
            if (Peek('.'))
            {
                _at++;
                value = Member(value, Identifier());
            }
            else if (Peek('['))
            {
                _at++;
                var index = Expression();
                Expect(']');
                value = Member(value, ArmScope.Text(index));
            }
            else
            {
                return value;
            }
        }
    }

    private object? Primary()
    {
        Skip();
        if (Peek('\'')) return StringLiteral();
        if (_at < text.Length && (char.IsDigit(text[_at]) || text[_at] == '-'))
        {
            var start = _at++;
            while (_at < text.Length && char.IsDigit(text[_at])) _at++;
            return long.Parse(text[start.._at], CultureInfo.InvariantCulture);
        }

        var name = Identifier();
        if (name is "true" or "false") return name == "true";
        if (name == "null") return null;
        Expect('(');
        var arguments = new List<Func<object?>>();
        Skip();
        if (!Peek(')'))
        {
            do
            {
                // Arguments are read now and evaluated when the function asks (if() evaluates one branch only).
                var start = _at;
                SkipArgument();
                var argumentText = text[start.._at];
                arguments.Add(() => new ArmExpressionReader(argumentText, scope).Read());
                Skip();
            }
            while (TryTake(','));
        }

        Expect(')');
        return ArmFunctions.Call(name, arguments, scope) ;
    }

    private static object? Member(object? value, string name) => value switch
    {
        Deployed d => d with { Path = [.. d.Path, name] },
        ResourceId r => new Deployed(r, [name]),
        JsonObject o => o.TryGetPropertyValue(name, out var child) ? Unwrap(child) : throw new InvalidOperationException($"No property '{name}' in {o.ToJsonString()}."),
        JsonArray a => Unwrap(a[int.Parse(name, CultureInfo.InvariantCulture)]),
        _ => throw new InvalidOperationException($"Cannot read '{name}' of {ArmScope.Text(value)}."),
    };

    public static object? Unwrap(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<int>(out var i) => (long)i,
        _ => node,
    };

    private string StringLiteral()
    {
        Expect('\'');
        var value = new StringBuilder();
        while (true)
        {
            if (_at >= text.Length) throw Error("unterminated string");
            if (text[_at] == '\'')
            {
                if (_at + 1 < text.Length && text[_at + 1] == '\'')
                {
                    value.Append('\'');
                    _at += 2;
                    continue;
                }

                _at++;
                return value.ToString();
            }

            value.Append(text[_at++]);
        }
    }

    /// <summary>Moves past one argument: to the comma or closing parenthesis at this depth, outside strings.</summary>
    private void SkipArgument()
    {
        var depth = 0;
        var inString = false;
        for (; _at < text.Length; _at++)
        {
            var c = text[_at];
            if (inString)
            {
                if (c == '\'') inString = _at + 1 < text.Length && text[_at + 1] == '\'' && ++_at > 0;
                continue;
            }

            if (c == '\'') inString = true;
            else if (c is '(' or '[') depth++;
            else if (c is ')' or ']' && depth-- == 0) return;
            else if (c == ',' && depth == 0) return;
        }
    }

    private string Identifier()
    {
        Skip();
        var start = _at;
        while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] is '_' or '$' or '#')) _at++;
        return _at > start ? text[start.._at] : throw Error("a name was expected");
    }

    private void Skip()
    {
        while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
    }

    private bool Peek(char c) => _at < text.Length && text[_at] == c;

    private bool TryTake(char c)
    {
        Skip();
        if (!Peek(c)) return false;
        _at++;
        return true;
    }

    private void Expect(char c)
    {
        if (!TryTake(c)) throw Error($"'{c}' was expected");
    }

    private InvalidOperationException Error(string what) => new($"ARM expression [{text}]: {what} at {_at}.");
}

/// <summary>The template functions the settings' expressions use, as ARM defines them.</summary>
internal static class ArmFunctions
{
    public static object? Call(string name, List<Func<object?>> arguments, ArmScope scope)
    {
        object? Arg(int i) => arguments[i]();
        IEnumerable<object?> All() => arguments.Select(a => a());
        switch (name)
        {
            case "parameters": return scope.Parameter(ArmScope.Text(Arg(0)));
            case "variables": return scope.Variable(ArmScope.Text(Arg(0)));
            case "if": return Arg(0) is true ? Arg(1) : Arg(2);
            case "equals": return JsonNode.DeepEquals(ArmScope.ToNode(Arg(0)), ArmScope.ToNode(Arg(1)));
            case "not": return Arg(0) is not true;
            case "empty":
                return Arg(0) switch
                {
                    null => true,
                    string s => s.Length == 0,
                    JsonObject o => o.Count == 0,
                    JsonArray a => a.Count == 0,
                    _ => false,
                };
            case "createObject":
                var created = new JsonObject();
                for (var i = 0; i + 1 < arguments.Count; i += 2) created[ArmScope.Text(Arg(i))] = ArmScope.ToNode(Arg(i + 1));
                return created;
            case "union":
                var union = new JsonObject();
                foreach (var each in All())
                {
                    if (each is not JsonObject o) throw new InvalidOperationException("union() of something other than objects is not supported here.");
                    foreach (var (key, value) in o) union[key] = value?.DeepClone();
                }

                return union;
            case "format":
                var values = All().Skip(1).Select(ArmScope.Text).ToArray();
                return System.Text.RegularExpressions.Regex.Replace(ArmScope.Text(Arg(0)), @"\{(\d+)\}", m => values[int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)]);
            case "concat": return string.Concat(All().Select(ArmScope.Text));
            case "toLower": return ArmScope.Text(Arg(0)).ToLowerInvariant();
            case "toUpper": return ArmScope.Text(Arg(0)).ToUpperInvariant();
            case "uniqueString": return "⟪uniqueString⟫";
            case "subscription":
                return new JsonObject { ["id"] = "/subscriptions/⟪subscriptionId⟫", ["subscriptionId"] = "⟪subscriptionId⟫", ["tenantId"] = "⟪tenantId⟫" };
            case "tenant": return new JsonObject { ["tenantId"] = "⟪tenantId⟫" };
            case "resourceId":
                return new ResourceId(ArmScope.Text(Arg(arguments.Count - 2 >= 0 && ArmScope.Text(Arg(0)).Contains('/', StringComparison.Ordinal) ? 0 : 1)), ArmScope.Text(Arg(arguments.Count - 1)));
            case "extensionResourceId": return new ResourceId(ArmScope.Text(Arg(1)), ArmScope.Text(Arg(arguments.Count - 1)));
            case "reference":
                return Arg(0) is ResourceId id ? new Deployed(id, []) : throw new InvalidOperationException("reference() of something other than a resource id.");
            default:
                throw new InvalidOperationException($"The ARM function {name}() is not known to this evaluator; add it (as ARM defines it) if the template needs it.");
        }
    }
}
