using System.Net;
using System.Text;
using Azure.Core;
using LeadFunctions.Destinations.Dataverse;
using Moq;

namespace LeadFunctions.Tests.Destinations.Dataverse;

/// <summary>The Dataverse token: a 401 with a claims challenge (continuous access evaluation) asks for a token with those claims.</summary>
public sealed class DataverseTokenTests
{
    private const string Claims = """{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}""";

    [Fact]
    public async Task A_401_with_a_claims_challenge_renews_the_token_with_the_decoded_claims()
    {
        var asked = new List<string?>();
        using var token = new DataverseToken(Credential(asked), "https://contoso.crm.dynamics.com/.default", TimeProvider.System);
        using var refusal = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        refusal.Headers.TryAddWithoutValidation("WWW-Authenticate",
            $"Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"insufficient_claims\", claims=\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(Claims))}\"");

        var first = await token.GetAsync(CancellationToken.None);
        var renewed = await token.RenewAsync(first, refusal, CancellationToken.None);

        Assert.Equal(("token-1", "token-2"), (first, renewed));
        Assert.Equal(new string?[] { null, Claims }, asked.ToArray());
    }

    [Fact]
    public async Task A_401_without_a_challenge_renews_the_token_without_claims()
    {
        var asked = new List<string?>();
        using var token = new DataverseToken(Credential(asked), "https://contoso.crm.dynamics.com/.default", TimeProvider.System);
        using var refusal = new HttpResponseMessage(HttpStatusCode.Unauthorized);

        var renewed = await token.RenewAsync(await token.GetAsync(CancellationToken.None), refusal, CancellationToken.None);

        Assert.Equal("token-2", renewed);
        Assert.Equal(new string?[] { null, null }, asked.ToArray());
    }

    /// <summary>A credential that hands out token-1, token-2, … and records the claims each request asked for.</summary>
    private static TokenCredential Credential(List<string?> asked)
    {
        var credential = new Mock<TokenCredential>();
        credential.Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TokenRequestContext context, CancellationToken _) =>
            {
                asked.Add(context.Claims);
                return new AccessToken($"token-{asked.Count}", DateTimeOffset.UtcNow.AddHours(1));
            });
        return credential.Object;
    }
}
