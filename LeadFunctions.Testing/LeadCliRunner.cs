using System.Text.Json;
using LeadFunctions.Cli;
using LeadFunctions.Delivery;
using LeadFunctions.Leads;
using LeadFunctions.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LeadFunctions.Testing;

/// <summary>What one run of the command printed, and how it exited.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Output);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}--- stderr\n{Error}";
}

/// <summary>
/// Runs <c>leadfunctions</c> in-process through its real entry point, as a user would type it, with what it prints
/// captured. Storage is always named on the command line (the machine's own settings never leak in).
/// </summary>
internal static class LeadCliRunner
{
    /// <param name="readSecret">What a person types when asked for a secret; null for a run without a terminal.</param>
    /// <param name="cancellationToken">Ctrl+C, as the command sees it.</param>
    public static async Task<CliRun> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null, Func<string, CancellationToken, string?>? readSecret = null, CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(output, error)
        {
            Time = time ?? TimeProvider.System,
            Settings = settings ?? new Dictionary<string, string?>(),
            WorkingDirectory = TestContentRoot.Path, // no local.settings.json there: the developer's never leaks in
            ReadSecret = readSecret,
        };
        var exitCode = await LeadCli.InvokeAsync(args.ToArray(), environment, cancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The storage options of a command against <paramref name="azurite"/> and the queue <paramref name="queue"/>.</summary>
    public static string[] Storage(Azurite azurite, string queue) => ["--connection-string", azurite.ConnectionString, "--queue", queue];
}

/// <summary>The app's own storage types against one test queue, to put messages and journal rows where the CLI looks.</summary>
internal sealed class TestStorage(Azurite azurite, string queueName, string? journalTable = null)
{
    public LeadStorage Storage { get; } = new(
        Options.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, LeadQueueName = queueName }),
        Options.Create(new QueueTriggerOptions()));

    public LeadQueue Queue => new(Storage, new LeadQueueSignal());

    public DeliveryJournal Journal => new(Storage, Options.Create(new DeliveryOptions { JournalTable = journalTable }), NullLogger<DeliveryJournal>.Instance);

    /// <summary>An envelope as ReceiveLead writes it, for a lead whose every text field contains <paramref name="marker"/>.</summary>
    public static LeadEnvelope Envelope(string marker, int attempt = 1, DeliveryFailure? lastError = null)
    {
        var json = $$"""
            {"UserDetails":{"FirstName":"{{marker}}-first","LastName":"{{marker}}-last","Email":"{{marker}}@example.com","Phone":"{{marker}}-phone","Company":"{{marker}}-company"},
             "LeadSource":"AzureMarketplace","ActionCode":"PLT","OfferTitle":"Contoso Analytics","Description":"{{marker}}-description"}
            """;
        using var document = JsonDocument.Parse(json);
        var read = LeadReader.Published.Read(document.RootElement);
        return new LeadEnvelope
        {
            LeadId = read.LeadId!,
            ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(-30),
            Attempt = attempt,
            Lead = document.RootElement.Clone(),
            LastError = lastError,
        };
    }

    public static DeliveryFailure Forbidden => new("Dataverse", 403, "0x80040220", "Principal user is missing prvCreateLead privilege")
    {
        Kind = "poison",
        At = DateTimeOffset.UtcNow.AddMinutes(-29),
    };

    public async Task<List<LeadEnvelope>> PeekEnvelopesAsync(bool poison)
    {
        var queue = poison ? Storage.PoisonQueue : Storage.LeadQueue;
        if (!await queue.ExistsAsync()) return [];
        return (await queue.PeekMessagesAsync(32)).Value.Select(m => LeadEnvelope.TryParse(m.MessageText, out _)).OfType<LeadEnvelope>().ToList();
    }
}
