using LeadFunctions.Destinations;

namespace LeadFunctions.Tests.Destinations;

/// <summary>
/// One delivery at a time against each CRM's strict fake: what every CRM destination does the same — a lead delivered
/// again is found and nothing is created, a create whose answer is lost is found and not duplicated, a short burst of
/// 503s is absorbed in process. A subclass per CRM adds what only that CRM checks besides (hooks below) and keeps its
/// own tests: its key and token, its failure classes, its limits.
/// </summary>
public abstract class CrmDestinationSuite<TFake, TDestination> : CrmSuite<TFake, TDestination>
    where TFake : LoopbackFake
    where TDestination : ILeadDestination
{
    [Fact]
    public async Task Delivering_the_same_lead_again_finds_it_and_creates_nothing()
    {
        await using var harness = Harness();
        var delivery = TestLeads.Delivery(TestLeads.ContactMe(1));
        await harness.DeliverAsync(delivery);
        BeforeDeliveringAgain(delivery.LeadId);

        var again = await harness.DeliverAsync(delivery with { Attempt = 2 });

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: true), again);
        Assert.Equal(1, Fake.RecordCount);
        Assert.Equal(1, Fake.Creates);
        AssertNothingWrittenAgain(delivery.LeadId);
    }

    [Fact]
    public async Task A_create_whose_answer_is_lost_in_a_timeout_is_found_not_duplicated()
    {
        Fake.SlowSuccessRate = 1;
        Fake.SlowSuccessDelay = TimeSpan.FromSeconds(3);
        await using var harness = Harness(HarnessTimeouts.AnswersLostAfterHalfASecond);

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: true), outcome);
        Assert.Equal(1, Fake.Creates);
        Assert.Equal(1, Fake.RecordCount);
        AssertTheLostCreateWasFound();
    }

    [Fact]
    public async Task A_short_burst_of_503s_is_absorbed_by_the_in_process_retries()
    {
        await using var harness = Harness();
        await BeforeTheBurstAsync(harness);
        Fake.FailNextWith503(2);

        var outcome = await harness.DeliverAsync(TestLeads.Delivery(TestLeads.ContactMe(1)));

        Assert.Equal(new DeliveryOutcome.Delivered(AlreadyThere: false), outcome);
        Assert.Equal(2, Fake.Injected503);
    }

    /// <summary>Between the first delivery and the second (e.g. a salesperson edits the record).</summary>
    protected virtual void BeforeDeliveringAgain(string leadId)
    {
    }

    /// <summary>What else shows that the second delivery wrote nothing.</summary>
    protected virtual void AssertNothingWrittenAgain(string leadId)
    {
    }

    /// <summary>What else shows that the lost create was found, not made again.</summary>
    protected virtual void AssertTheLostCreateWasFound()
    {
    }

    /// <summary>Before the 503s are injected (e.g. a token first, so that the burst meets the lead's request).</summary>
    protected virtual Task BeforeTheBurstAsync(DestinationHarness<TDestination> harness) => Task.CompletedTask;
}
