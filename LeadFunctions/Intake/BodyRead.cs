namespace LeadFunctions.Intake;

public readonly record struct BodyRead(byte[]? Bytes, BodyFailure Failure)
{
    public static BodyRead Failed(BodyFailure failure) => new(null, failure);
}
