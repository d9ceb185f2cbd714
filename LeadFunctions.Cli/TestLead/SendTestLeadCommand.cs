using System.CommandLine;
using LeadFunctions.Cli.Intake;

namespace LeadFunctions.Cli.TestLead;

/// <summary><c>send-test-lead</c>: what Partner Center's "Validate" button does, with the answer shown.</summary>
internal static class SendTestLeadCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var url = EndpointOption.Create();
        var offer = new Option<string>("--offer-title")
        {
            Description = "The offerTitle of the test lead.",
            DefaultValueFactory = _ => "Contoso Test",
        };
        var command = new Command("send-test-lead", "Post a Partner Center-style test lead (names MSFT_TEST_<digits>, like the 'Validate' button " +
            "in Partner Center) and show the endpoint's answer. Exits 1 unless the answer is 2xx.")
        {
            url,
            offer,
        };
        command.SetGuardedAction(environment, async (parse, cancellationToken) =>
        {
            var endpoint = parse.GetRequiredValue(url);
            using var intake = new IntakeClient(endpoint, EndpointKey.Resolve(endpoint, environment, cancellationToken), TimeSpan.FromSeconds(60),
                environment.Time);
            var (marker, json) = PartnerCenterTestLead.Create(environment.Time, parse.GetRequiredValue(offer));
            var answer = await intake.PostAsync(json, cancellationToken);

            var output = environment.Output;
            await output.WriteLineAsync($"POST {intake.RedactedEndpoint} -> {answer.StatusLine}");
            if (answer.IsAccepted)
            {
                await output.WriteLineAsync($"Lead id    {answer.LeadId ?? "(none in the answer)"}");
                await output.WriteLineAsync($"Test lead  {marker}{(answer.Duplicate ? " (the endpoint had seen it before)" : "")}");
                foreach (var note in answer.Notes) await output.WriteLineAsync($"Note       {note.Path}: {note.Message}");
                return ExitCodes.Success;
            }

            await output.WriteLineAsync($"Problem    {(answer.Errors.Count > 0 ? answer.Title : answer.Problem)}");
            foreach (var error in answer.Errors) await output.WriteLineAsync($"  {error.Path}: {error.Message}");
            if (answer.RetryAfter is { } wait) await output.WriteLineAsync($"Retry after {wait.TotalSeconds:0} s");
            return ExitCodes.Failed;
        });
        return command;
    }
}
