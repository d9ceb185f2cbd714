using System.Net;
using System.Text;

namespace LeadFunctions.Tests.Intake;

/// <summary>
/// The intake's answers stay small whatever the body holds, and a body in a content coding is refused, not guessed at
/// (docs/design.md, "Endpoint answers").
/// </summary>
public sealed class IntakeBoundsTests(Azurite azurite) : IClassFixture<Azurite>, IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() =>
        _app = await TestApp.StartAsync(azurite, new Dictionary<string, string?> { ["Standalone:ProcessQueue"] = "false" });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_answer_lists_a_bounded_number_of_notes_and_counts_the_rest()
    {
        // 7,500 repeated names inside an unknown property: each is a note ("appears more than once").
        var repeated = string.Join(",", Enumerable.Range(0, 7_500).Select(_ => "\"n\":1"));
        var body = """{"UserDetails":{"LastName":"One"},"OfferTitle":"X","Extra":{""" + repeated + "}}";

        var response = await _app.PostLeadAsync(body);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode} {text[..Math.Min(text.Length, 500)]}");
        Assert.True(Encoding.UTF8.GetByteCount(text) <= 8 * 1024, $"the answer is {Encoding.UTF8.GetByteCount(text)} bytes for a {body.Length}-byte body");
        var answer = await response.JsonAsync();
        var listed = answer.GetProperty("notes").GetArrayLength();
        Assert.InRange(listed, 1, 20);
        Assert.Equal(7_499, listed + answer.GetProperty("notesOmitted").GetInt32());
    }

    [Fact]
    public async Task An_answer_with_few_notes_lists_them_all_and_says_nothing_was_left_out()
    {
        var response = await _app.PostLeadAsync("""{"UserDetails":{"Phone":16175555555,"LastName":"One"},"OfferTitle":"X"}""");

        var answer = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, answer.GetProperty("notes").GetArrayLength());
        Assert.False(answer.TryGetProperty("notesOmitted", out _));
    }

    [Theory]
    [InlineData("gzip", true)]
    [InlineData("br", false)]
    [InlineData("deflate", false)]
    [InlineData("gzip, identity", true)]
    public async Task A_body_in_a_content_coding_is_refused_with_415_problem_details(string coding, bool compressed)
    {
        var json = """{"UserDetails":{"LastName":"One"},"OfferTitle":"Coded"}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        if (compressed)
        {
            using var buffer = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest)) gzip.Write(bytes);
            bytes = buffer.ToArray();
        }

        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        foreach (var each in coding.Split(", ")) content.Headers.ContentEncoding.Add(each);

        var response = await _app.Http.PostAsync(TestApp.LeadsPath(), content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal(415, problem.GetProperty("status").GetInt32());
        Assert.Contains("Content-Encoding", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await TestApp.CountMessagesAsync(_app.Queue));
    }

    [Fact]
    public async Task Content_encoding_identity_is_the_plain_body_and_accepted()
    {
        using var content = new StringContent("""{"UserDetails":{"LastName":"One"},"OfferTitle":"Identity"}""", Encoding.UTF8, "application/json");
        content.Headers.ContentEncoding.Add("identity");

        var response = await _app.Http.PostAsync(TestApp.LeadsPath(), content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
