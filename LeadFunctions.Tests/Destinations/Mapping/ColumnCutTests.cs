using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using LeadFunctions.Destinations.Mapping;
using LeadFunctions.Leads;

namespace LeadFunctions.Tests.Destinations.Mapping;

/// <summary>Cutting to a column's length: on a character boundary as a person sees it, and JSON that stays JSON.</summary>
public sealed class ColumnCutTests
{
    /// <summary>Text in many scripts, with emoji (surrogate pairs), ZWJ sequences and combining marks.</summary>
    private static readonly Gen<string> Text = Gen.OneOf(
            Gen.Const("김민수"), Gen.Const("محمد العربي"), Gen.Const("王小明"), Gen.Const("Zoë"), Gen.Const("🚀"), Gen.Const("👩‍💻"),
            Gen.Const("e\u0301"), Gen.Const("a\u0300\u0301\u0302"), Gen.Const("🇰🇷"), Gen.Const(" "), Gen.Char.AlphaNumeric.Select(c => c.ToString()), Gen.String[0, 3])
        .Array[0, 40].Select(string.Concat);

    private static readonly string[] DetailNames = ["FirstName", "LastName", "Company", "Linkedin"];

    [Theory]
    [InlineData("ab😀", 3, "ab")]
    [InlineData("ab😀", 4, "ab😀")]
    [InlineData("abc", 50, "abc")]
    [InlineData("Cafe\u0301", 4, "Caf")]
    [InlineData("x👩‍💻", 4, "x")]
    [InlineData("김민수", 2, "김민")]
    [InlineData("abc", 0, "")]
    public void Text_is_cut_between_characters_as_a_person_sees_them(string text, int max, string expected) =>
        Assert.Equal(expected, ColumnCut.Text(text, max));

    [Fact]
    public void A_single_character_longer_than_the_column_is_cut_between_code_points_never_inside_a_surrogate_pair()
    {
        var zalgo = "a" + string.Concat(Enumerable.Repeat("\u0301", 20));
        Assert.Equal(zalgo[..5], ColumnCut.Text(zalgo, 5));
        Assert.Equal("", ColumnCut.Text("🚀\u0301\u0301", 1));
    }

    [Fact]
    public void Cut_text_is_the_longest_start_that_fits_and_ends_on_a_character_boundary()
    {
        Gen.Select(Text, Gen.Int[0, 60]).Sample((text, max) =>
        {
            var cut = ColumnCut.Text(text, max);
            Assert.True(cut.Length <= max, $"{cut.Length} > {max}");
            Assert.StartsWith(cut, text, StringComparison.Ordinal);
            var boundaries = StringInfo.ParseCombiningCharacters(text).Append(text.Length).ToHashSet();
            if (boundaries.Where(b => b > 0).DefaultIfEmpty(0).Min() > max)
            {
                // The first character alone is longer than the column: cut between code points.
                Assert.False(cut.Length > 0 && char.IsHighSurrogate(cut[^1]), $"'{cut}' ends inside a surrogate pair");
                return;
            }

            Assert.Contains(cut.Length, boundaries);
            var next = boundaries.Where(b => b > cut.Length).DefaultIfEmpty(int.MaxValue).Min();
            Assert.True(next > max || cut.Length == text.Length, $"'{text}' cut at {cut.Length} though the boundary {next} fits in {max}");
        });
    }

    [Fact]
    public void Cut_json_is_valid_json_within_the_length_that_keeps_every_name()
    {
        var details = Gen.Select(Text, Text, Text, Text).Select((first, last, company, extra) => new JsonObject
        {
            ["FirstName"] = first, ["LastName"] = last, ["Company"] = company, ["Linkedin"] = new JsonObject { ["Note"] = extra, ["Tags"] = new JsonArray(extra, 1, true) },
        });
        Gen.Select(details, Gen.Int[60, 400]).Sample((node, max) =>
        {
            var cut = ColumnCut.Json(node, max);

            Assert.True(cut.Length <= max, $"{cut.Length} > {max}");
            var back = JsonNode.Parse(cut)!.AsObject();
            var emptyStrings = new JsonObject { ["FirstName"] = "", ["LastName"] = "", ["Company"] = "", ["Linkedin"] = new JsonObject { ["Note"] = "", ["Tags"] = new JsonArray("", 1, true) } };
            if (ReadableJson.Write(emptyStrings).Length <= max) Assert.Equal(DetailNames, back.Select(p => p.Key));
            else Assert.Equal(DetailNames.Take(back.Count), back.Select(p => p.Key));
            Assert.True(back.Count > 0 || max < 40, $"every member left out of {max} characters");
            foreach (var (name, value) in back.Where(p => p.Value is JsonValue))
            {
                var original = node[name]!.GetValue<string>();
                var kept = value!.GetValue<string>();
                Assert.True(kept == original || (kept.EndsWith(ColumnCut.CutMark, StringComparison.Ordinal) && original.StartsWith(kept[..^1], StringComparison.Ordinal)) || kept.Length == 0,
                    $"'{kept}' is not '{original}' or a start of it");
            }
        });
    }

    [Fact]
    public void Json_that_fits_is_written_whole_and_readable()
    {
        var node = new JsonObject { ["FirstName"] = "민수", ["LastName"] = "김" };

        Assert.Equal("""{"FirstName":"민수","LastName":"김"}""", ColumnCut.Json(node, 100));
    }

    [Fact]
    public void Json_too_long_even_with_empty_strings_leaves_out_its_last_members()
    {
        var node = new JsonObject();
        for (var i = 0; i < 20; i++) node[$"property{i}"] = "x";

        var cut = ColumnCut.Json(node, 40);

        Assert.Equal("""{"property0":"x","property1":"x"}""", cut);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(cut).RootElement.ValueKind);
        Assert.Equal("{}", ColumnCut.Json(node, 2));
    }

    [Fact]
    public void Readable_json_escapes_only_what_json_requires()
    {
        var node = new JsonObject { ["이름"] = "김민수 محمد 王 🚀 👩‍💻 e\u0301 <b>&'", ["ctl"] = "\"\\\n\t\u0001\u2028" };

        var json = ReadableJson.Write(node);

        Assert.Equal("{\"이름\":\"김민수 محمد 王 🚀 👩‍💻 e\u0301 <b>&'\",\"ctl\":\"\\\"\\\\\\n\\t\\u0001\\u2028\"}", json);
        Assert.Equal(node.ToJsonString(), JsonNode.Parse(json)!.ToJsonString());
    }
}
