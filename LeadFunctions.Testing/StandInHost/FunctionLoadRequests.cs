using LeadFunctions.Testing.StandInHost.Protocol;

namespace LeadFunctions.Testing.StandInHost;

/// <summary>Turns the worker's indexing answer into what the stand-in exposes and what it loads.</summary>
internal static class FunctionLoadRequests
{
    public static FunctionInfo ToFunctionInfo(RpcFunctionMetadata metadata) => new(
        metadata.Name,
        metadata.FunctionId,
        metadata.EntryPoint,
        metadata.ScriptFile,
        [.. metadata.RawBindings.Select(FunctionInfo.ParseBinding)],
        [.. metadata.RawBindings],
        new Dictionary<string, string>(metadata.Properties));

    /// <summary>
    /// The host rebuilds load metadata from the raw binding JSON (WorkerFunctionMetadataProvider,
    /// then GrpcWorkerChannel.GetFunctionLoadRequest with BindingMetadata.ToBindingInfo).
    /// </summary>
    public static FunctionLoadRequest ToLoadRequest(RpcFunctionMetadata source)
    {
        var metadata = new RpcFunctionMetadata
        {
            Name = source.Name,
            FunctionId = source.FunctionId,
            Directory = source.Directory ?? string.Empty,
            EntryPoint = source.EntryPoint ?? string.Empty,
            ScriptFile = source.ScriptFile ?? string.Empty,
            Language = source.Language ?? string.Empty,
            IsProxy = false,
        };
        foreach (BindingDescription binding in source.RawBindings.Select(FunctionInfo.ParseBinding))
        {
            metadata.Bindings[binding.Name] = new BindingInfo
            {
                Type = binding.Type,
                Direction = System.Enum.Parse<BindingInfo.Types.Direction>(binding.Direction, ignoreCase: true),
                DataType = binding.DataType is null ? BindingInfo.Types.DataType.Undefined : System.Enum.Parse<BindingInfo.Types.DataType>(binding.DataType, ignoreCase: true),
            };
        }

        metadata.Properties.Add(source.Properties);
        return new FunctionLoadRequest { FunctionId = source.FunctionId, Metadata = metadata };
    }
}
