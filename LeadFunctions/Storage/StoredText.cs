namespace LeadFunctions.Storage;

/// <summary>A queue message's text from what is stored, decoded the way the app encodes it (host.json <c>messageEncoding</c>).</summary>
public static class StoredText
{
    /// <summary>The text; when it should be base64 and is not, the stored text as it is, and <paramref name="encoded"/> false.</summary>
    public static string Decode(string stored, bool base64, out bool encoded)
    {
        encoded = true;
        if (!base64) return stored;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(stored));
        }
        catch (FormatException)
        {
            encoded = false;
            return stored;
        }
    }
}
