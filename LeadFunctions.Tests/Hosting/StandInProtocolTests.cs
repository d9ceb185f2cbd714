using System.Reflection;
using System.Runtime.Loader;
using Google.Protobuf.Reflection;
using LeadFunctions.Tests.Deployment;
using LeadFunctions.Testing.StandInHost.Protocol;

namespace LeadFunctions.Tests.Hosting;

/// <summary>
/// Checks the hand-written proto subset against the protocol descriptor compiled into the
/// worker's own Microsoft.Azure.Functions.Worker.Grpc.dll, so a worker package upgrade that
/// moves a field the stand-in relies on fails here instead of as a hang.
/// </summary>
[Collection(FunctionAppPackageCollection.Name)]
public sealed class StandInProtocolTests(FunctionAppPackage package)
{
    [Fact]
    public void Every_message_field_and_enum_value_of_the_stand_ins_protocol_matches_the_workers()
    {
        FileDescriptorProto theirs = LoadWorkerDescriptor(package.Root);
        FileDescriptorProto ours = FunctionRpcSubsetReflection.Descriptor.ToProto();
        var problems = new List<string>();

        Assert.Equal(ours.Package, theirs.Package);
        ServiceDescriptorProto service = Assert.Single(ours.Service);
        MethodDescriptorProto method = Assert.Single(service.Method);
        Assert.Contains(theirs.Service, s => s.Name == service.Name && s.Method.Any(m => m.Name == method.Name && m.ClientStreaming && m.ServerStreaming));

        foreach (DescriptorProto message in ours.MessageType)
        {
            DescriptorProto? match = theirs.MessageType.FirstOrDefault(m => m.Name == message.Name);
            if (match is null)
            {
                problems.Add($"message {message.Name} is not in the worker protocol");
                continue;
            }

            Compare(message, match, message.Name, problems);
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static void Compare(DescriptorProto ours, DescriptorProto theirs, string path, List<string> problems)
    {
        foreach (FieldDescriptorProto field in ours.Field)
        {
            FieldDescriptorProto? other = theirs.Field.FirstOrDefault(f => f.Number == field.Number);
            string where = $"{path}.{field.Name} = {field.Number}";
            if (other is null)
            {
                problems.Add($"{where}: no field with that number in the worker protocol");
            }
            else if (other.Name != field.Name || other.Type != field.Type || other.Label != field.Label
                     || ShortName(other.TypeName) != ShortName(field.TypeName))
            {
                problems.Add($"{where}: ours is {field.Label} {field.Type} {field.TypeName}, theirs is {other.Name} {other.Label} {other.Type} {other.TypeName}");
            }
        }

        foreach (EnumDescriptorProto enumType in ours.EnumType)
        {
            EnumDescriptorProto? other = theirs.EnumType.FirstOrDefault(e => e.Name == enumType.Name);
            foreach (EnumValueDescriptorProto value in enumType.Value)
            {
                if (other?.Value.Any(v => v.Name == value.Name && v.Number == value.Number) != true)
                {
                    problems.Add($"{path}.{enumType.Name}.{value.Name} = {value.Number}: not in the worker protocol");
                }
            }
        }

        foreach (DescriptorProto nested in ours.NestedType)
        {
            DescriptorProto? other = theirs.NestedType.FirstOrDefault(n => n.Name == nested.Name);
            if (other is null)
            {
                problems.Add($"{path}.{nested.Name}: no such nested type in the worker protocol");
            }
            else
            {
                Compare(nested, other, $"{path}.{nested.Name}", problems);
            }
        }
    }

    private static string ShortName(string typeName) => typeName[(typeName.LastIndexOf('.') + 1)..];

    /// <summary>Reads FunctionRpcReflection.Descriptor from the worker's Grpc assembly in an isolated load context.</summary>
    private static FileDescriptorProto LoadWorkerDescriptor(string workerDirectory)
    {
        var context = new AssemblyLoadContext("worker-protocol", isCollectible: true);
        context.Resolving += (ctx, name) =>
        {
            string candidate = Path.Combine(workerDirectory, name.Name + ".dll");
            return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
        };
        try
        {
            Assembly grpc = context.LoadFromAssemblyPath(Path.Combine(workerDirectory, "Microsoft.Azure.Functions.Worker.Grpc.dll"));
            Type reflection = grpc.GetTypes().Single(t => t.Name == "FunctionRpcReflection");
            object descriptor = reflection.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
            object serialized = descriptor.GetType().GetProperty("SerializedData")!.GetValue(descriptor)!;
            var bytes = (byte[])serialized.GetType().GetMethod("ToByteArray")!.Invoke(serialized, null)!;
            return FileDescriptorProto.Parser.ParseFrom(bytes);
        }
        finally
        {
            context.Unload();
        }
    }
}
