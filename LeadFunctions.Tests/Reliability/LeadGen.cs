using System.Globalization;
using System.Text;
using CsCheck;

namespace LeadFunctions.Tests.Reliability;

/// <summary>
/// CsCheck generators for what Partner Center (or anything else) might post: leads with every field in any casing, of
/// any type, null or missing, with unicode, numbers, extra and repeated properties; random JSON; truncated, mutated,
/// deeply nested and oversized bodies; and the headers around them.
/// </summary>
public static class LeadGen
{
    private static readonly string[] LeadFields = ["ActionCode", "OfferTitle", "LeadSource", "Description"];

    private static readonly string[] UserFields = ["FirstName", "LastName", "Email", "Phone", "Country", "Company", "Title"];

    private static readonly string[] Awkward =
    [
        "MSFT_TEST_636573304831318844", "MSFT_TEST_636573304831318844@test.com", "김민준", "محمد العربي", "Zoë 🚀", "O'Brien-Łukasz",
        "<script>alert(1)</script>", "\"quoted\" \\ back\\slash", "\u0000\u001f\u007f", "", " ", "SPZA-PLT|contoso.analytics",
        "AzurePortal-Create|Contoso Analytics Suite", "AMP-INS|", "\ud800", "\udc00x", "a\u2028b\u2029c", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    ];

    /// <summary>Any text: mostly plain, some arbitrary UTF-16 (lone surrogates included), some awkward, some long.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (6, Gen.String[Gen.Char.AlphaNumeric, 0, 24]),
        (2, Gen.String[0, 24]),
        (2, Gen.OneOf(Awkward)),
        (1, Gen.Int[200, 3000].Select(n => new string('x', n))));

    public static readonly Gen<string> Number = Gen.Frequency(
        (3, Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "1e400")),
        (1, Gen.OneOf("1e400", "-0", "1.50e+3", "0.1", "16175555555", "-1E-7", "123456789012345678901234567890")));

    public static readonly Gen<string> Scalar = Gen.Frequency(
        (6, Gen.Select(Text, Gen.Bool, (text, raw) => Quote(text, raw))),
        (2, Number),
        (1, Gen.OneOf("true", "false")),
        (2, Gen.Const("null")));

    // Static fields initialise in order: each generator is declared after those it is built from.
    /// <summary>A property name: a lead field in any casing, or anything at all.</summary>
    public static readonly Gen<string> Name = Gen.Frequency(
        (2, Gen.OneOf([.. LeadFields, .. UserFields, "UserDetails"]).SelectMany(Casing)),
        (4, Text));

    /// <summary>Any JSON value, nested up to three levels.</summary>
    public static readonly Gen<string> Value = ValueAt(0);

    /// <summary>A lead field's value: mostly text, sometimes a number, a boolean, null, or the wrong shape.</summary>
    private static readonly Gen<string> FieldValue = Gen.Frequency(
        (10, Gen.Select(Text, Gen.Bool, (text, raw) => Quote(text, raw))),
        (2, Number),
        (1, Gen.OneOf("true", "false")),
        (2, Gen.Const("null")),
        (1, ValueAt(2)));


    /// <summary>Something recognisable as a lead, in all the ways a lead can vary.</summary>
    public static readonly Gen<string> Lead =
        Gen.Select(
            Gen.Select(Members(LeadFields), UserDetails(), Extras(), (fields, user, extras) => fields.Append(user).Concat(extras)),
            Gen.Int, Gen.Bool,
            (members, seed, spaced) => Object(members, seed, spaced));

    /// <summary>A request body: leads, random JSON, and leads broken in every way a network or a sender breaks them.</summary>
    public static readonly Gen<byte[]> Body = Gen.Frequency(
        (10, Lead.Select(Utf8)),
        (2, Value.Select(Utf8)),
        (2, Gen.Select(Lead, Gen.Double[0, 1]).Select((lead, at) => Utf8(lead)[..(int)(Utf8(lead).Length * at)])),
        (2, Gen.Select(Lead, Gen.Int[0, int.MaxValue], Gen.Byte).Select((lead, at, b) => Mutate(Utf8(lead), at, b))),
        (1, Gen.Select(Gen.Int[1, 300], Gen.Bool).Select((depth, array) => Utf8(Nested(depth, array)))),
        (1, Gen.Byte.Array[0, 64]),
        (1, Gen.OneOf(Utf8(""), Utf8("   "), Utf8("null"), [0xEF, 0xBB, 0xBF, .. Utf8("""{"OfferTitle":"bom"}""")], [(byte)'{', (byte)'"', (byte)'O', (byte)'"', (byte)':', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)'}'])),
        (1, Gen.Int[60_000, 70_000].Select(n => Utf8($$"""{"OfferTitle":"big","Description":"{{new string('d', n)}}"}"""))));

    public static readonly Gen<string?> ContentType = Gen.Frequency(
        (8, Gen.Const<string?>("application/json")),
        (2, Gen.Const<string?>("application/json; charset=utf-8")),
        (1, Gen.Const((string?)null)),
        (1, Gen.OneOf<string?>("text/json", "application/vnd.lead+json", "APPLICATION/JSON")),
        (1, Gen.OneOf<string?>("text/plain", "application/xml", "multipart/form-data; boundary=x", "not a media type", ";;")));

    public static readonly Gen<KeyUse> Key = Gen.Frequency(
        (8, Gen.Const(KeyUse.Query)),
        (1, Gen.Const(KeyUse.Header)),
        (1, Gen.Const(KeyUse.SecondKey)),
        (1, Gen.OneOf(KeyUse.Wrong, KeyUse.None, KeyUse.WrongCase)));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A JSON string literal: every non-ASCII character escaped (lone surrogates too), or written raw as UTF-8.</summary>
    public static string Quote(string text, bool raw)
    {
        var json = new StringBuilder("\"");
        foreach (var c in text)
        {
            json.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                > '~' when !raw || char.IsSurrogate(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return json.Append('"').ToString();
    }

    private static Gen<string> ValueAt(int depth) => depth >= 3
        ? Scalar
        : Gen.Frequency(
            (6, Scalar),
            (1, ValueAt(depth + 1).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Select(Name, ValueAt(depth + 1), Gen.Bool, (name, value, raw) => Quote(name, raw) + ":" + value).Array[0, 4]
                .Select(members => "{" + string.Join(",", members) + "}")));

    private static Gen<string> Casing(string name) => Gen.Int[0, 3].Select(k => k switch
    {
        0 => name,
        1 => name.ToLowerInvariant(),
        2 => name.ToUpperInvariant(),
        _ => char.ToLowerInvariant(name[0]) + name[1..],
    });

    /// <summary>Each field present (in any casing, with any value) or missing.</summary>
    private static Gen<string[]> Members(string[] fields) =>
        fields.Select(field => Gen.Frequency(
                (1, Gen.Const((string?)null)),
                (4, Gen.Select(Casing(field), FieldValue, (name, value) => (string?)(Quote(name, raw: true) + ":" + value)))))
            .Aggregate(Gen.Const(Array.Empty<string>()), (all, one) => Gen.Select(all, one, (members, member) => member is null ? members : [.. members, member]));

    private static Gen<string> UserDetails() => Gen.Frequency(
        (8, Gen.Select(Casing("UserDetails"), Members(UserFields), Extras(), Gen.Int,
            (name, members, extras, seed) => Quote(name, raw: true) + ":" + Object(members.Concat(extras), seed, spaced: false))),
        (1, Gen.Select(Casing("UserDetails"), FieldValue, (name, value) => Quote(name, raw: true) + ":" + value)),
        (1, Gen.Const("")));

    private static Gen<string[]> Extras() => Gen.Frequency(
        (3, Gen.Const(Array.Empty<string>())),
        (2, Gen.Select(Name, Value, Gen.Bool, (name, value, raw) => Quote(name, raw) + ":" + value).Array[1, 4]));

    private static string Object(IEnumerable<string> members, int seed, bool spaced)
    {
        var shuffled = members.Where(m => m.Length > 0).ToArray();
        new Random(seed).Shuffle(shuffled);
        return spaced ? "{ \n\t" + string.Join(" ,\r\n ", shuffled) + " }" : "{" + string.Join(",", shuffled) + "}";
    }

    private static string Nested(int depth, bool array) => array
        ? new string('[', depth) + "\"x\"" + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private static byte[] Mutate(byte[] bytes, int at, byte value)
    {
        if (bytes.Length == 0) return [value];
        var copy = (byte[])bytes.Clone();
        copy[at % copy.Length] = value;
        return copy;
    }
}

public enum KeyUse
{
    Query,
    Header,
    SecondKey,
    Wrong,
    None,
    WrongCase,
}
