using System.Reflection;
using NetArchTest.Rules;

namespace LeadFunctions.Tests.Architecture;

/// <summary>
/// Folders in layers, top first (docs/design.md, "Layout"): a folder may use the layers below it, never one above it
/// nor another folder of its own layer. So dependencies flow one way and no cycle can form.
/// </summary>
public sealed class Layers(Assembly assembly, params string[][] layers)
{
    /// <summary>One line per folder that uses a folder it may not, naming the types that do.</summary>
    public IReadOnlyList<string> Violations()
    {
        var violations = new List<string>();
        for (var i = 0; i < layers.Length; i++)
        {
            foreach (var folder in layers[i])
            {
                var forbidden = layers.Take(i).SelectMany(l => l).Concat(layers[i].Where(f => f != folder)).ToArray();
                foreach (var other in forbidden)
                {
                    var result = Types.InAssembly(assembly).That().ResideInNamespace(folder)
                        .ShouldNot().HaveDependencyOn(other).GetResult();
                    if (!result.IsSuccessful)
                    {
                        violations.Add($"{folder} -> {other}: {string.Join(", ", result.FailingTypeNames.Order().Take(6))}");
                    }
                }
            }
        }

        return violations;
    }
}
