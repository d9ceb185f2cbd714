using System.CommandLine;
using LeadFunctions.Storage;

namespace LeadFunctions.Cli.Storage;

/// <summary>
/// Where the queues and the delivery journal are: <c>--connection-string</c>, <c>--account-name</c>, <c>--queue</c>.
/// Without them the app's own settings apply (<c>AzureWebJobsStorage</c>, <c>AzureWebJobsStorage__accountName</c>,
/// <c>LeadQueueName</c>, <c>Delivery__JournalTable</c>), from the environment or local.settings.json, read by the
/// app's own code, so the CLI always looks where the app writes.
/// </summary>
internal sealed class StorageArguments
{
    private readonly Option<string?> _connectionString = new("--connection-string")
    {
        Description = "Storage connection string; UseDevelopmentStorage=true for Azurite. Default: the AzureWebJobsStorage setting.",
        Recursive = true,
    };

    private readonly Option<string?> _accountName = new("--account-name")
    {
        Description = "Storage account name, signed in with DefaultAzureCredential (az login, managed identity). Default: " +
            "AzureWebJobsStorage__accountName.",
        Recursive = true,
    };

    private readonly Option<string?> _queue = new("--queue")
    {
        Description = "The lead queue; its poison queue is <queue>-poison. Default: the LeadQueueName setting, else 'leads'.",
        Recursive = true,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_connectionString);
        command.Options.Add(_accountName);
        command.Options.Add(_queue);
    }

    public StorageConnection Connect(ParseResult parse, CliEnvironment environment)
    {
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(_accountName) is { Length: > 0 } account)
        {
            // An account name asks for identity-based access: a connection string from the settings must not win.
            overrides[StorageOptions.Section] = "";
            overrides[$"{StorageOptions.Section}:accountName"] = account;
        }

        if (parse.GetValue(_connectionString) is { Length: > 0 } connectionString) overrides[StorageOptions.Section] = connectionString;
        if (parse.GetValue(_queue) is { Length: > 0 } queue) overrides["LeadQueueName"] = queue;
        return StorageConnection.Open(CliConfiguration.Build(environment, overrides), environment.Time);
    }
}
