using System.Buffers;
using System.CommandLine;
using System.Text;
using System.Text.Unicode;

namespace LeadFunctions.Cli.Import;

/// <summary>
/// How the bytes of a lead file become text, without a guess: UTF-8 (a byte-order mark is fine), UTF-16 or UTF-32 when
/// a byte-order mark says so, or the encoding named with <c>--encoding</c>. A file that is none of these is refused,
/// naming the line of its first bad byte, never the line itself: a replacement character in a lead is a wrong lead.
/// </summary>
internal static class LeadFileEncoding
{
    static LeadFileEncoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);   // windows-1252 and the other code pages

    private static readonly Encoding[] ByteOrderMarks =
    [
        new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true),
        new UTF32Encoding(bigEndian: false, byteOrderMark: true, throwOnInvalidCharacters: true),   // before UTF-16 LE: its mark starts the same
        new UTF32Encoding(bigEndian: true, byteOrderMark: true, throwOnInvalidCharacters: true),
        new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true),
        new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true),
    ];

    public static Option<Encoding?> CreateOption() => new("--encoding")
    {
        Description = "The file's encoding when it is not UTF-8, e.g. windows-1252 (Excel's \"CSV\" on Windows), latin1, utf-16. Without it the " +
            "file must be UTF-8, or UTF-16/UTF-32 with a byte-order mark; any other file is refused and nothing is sent.",
        HelpName = "name",
        CustomParser = result =>
        {
            var name = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Find(name) is { } encoding) return encoding;
            result.AddError($"--encoding: '{name}' is not an encoding this machine knows; e.g. utf-8, windows-1252, latin1, utf-16.");
            return null;
        },
    };

    /// <summary>The file as UTF-8, without a byte-order mark; a <see cref="CommandException"/> (usage) when it is not what it must be.</summary>
    public static byte[] ToUtf8(byte[] bytes, Encoding? declared)
    {
        var marked = ByteOrderMarks.FirstOrDefault(e => bytes.AsSpan().StartsWith(e.Preamble));
        if (declared is not null)
        {
            if (marked is not null && marked.CodePage != declared.CodePage)
            {
                throw new CommandException(ExitCodes.Usage, $"the file starts with a {marked.WebName} byte-order mark, but --encoding says " +
                    $"{declared.WebName}; nothing was imported. Leave out --encoding, or name the encoding the file has.");
            }

            var start = marked?.Preamble.Length ?? 0;
            return declared is UTF8Encoding ? ValidUtf8(bytes, start) : Transcode(bytes, declared, start);
        }

        if (marked is null or UTF8Encoding) return ValidUtf8(bytes, marked?.Preamble.Length ?? 0);
        return Transcode(bytes, marked, marked.Preamble.Length);
    }

    private static byte[] ValidUtf8(byte[] bytes, int start)
    {
        var text = bytes.AsSpan(start);
        if (Utf8.IsValid(text)) return text.ToArray();

        var chars = ArrayPool<char>.Shared.Rent(text.Length);
        try
        {
            Utf8.ToUtf16(text, chars, out var valid, out _, replaceInvalidSequences: false);
            throw new CommandException(ExitCodes.Usage,
                $"the file is not UTF-8: line {Line(text, valid)} has a byte that is not (byte {start + valid + 1} of the file); nothing was " +
                    "imported. Save it as UTF-8 (Excel: \"CSV UTF-8\"), or name its encoding, e.g. --encoding windows-1252.");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static byte[] Transcode(byte[] bytes, Encoding encoding, int start)
    {
        try
        {
            return Encoding.UTF8.GetBytes(encoding.GetString(bytes, start, bytes.Length - start));
        }
        catch (DecoderFallbackException)
        {
            throw new CommandException(ExitCodes.Usage, $"the file is not {encoding.WebName} throughout; nothing was imported. Name the encoding " +
                "it has with --encoding, or save it as UTF-8.");
        }
    }

    /// <summary>The 1-based line that byte <paramref name="offset"/> is on.</summary>
    private static int Line(ReadOnlySpan<byte> text, int offset) => text[..offset].Count((byte)'\n') + 1;

    /// <summary>The encoding called <paramref name="name"/>, set to throw on bytes it cannot decode instead of replacing them.</summary>
    private static Encoding? Find(string name)
    {
        try
        {
            return Encoding.GetEncoding(name.Trim(), EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
