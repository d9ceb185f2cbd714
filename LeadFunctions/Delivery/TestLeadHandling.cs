namespace LeadFunctions.Delivery;

public enum TestLeadHandling
{
    Deliver,
    Skip,
}
