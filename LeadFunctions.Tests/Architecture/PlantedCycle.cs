// Two folders that use each other, for LayerTests.A_planted_cycle_is_caught: Lower uses Upper, which is the wrong way.
namespace LeadFunctions.Tests.Architecture.Planted.Upper
{
    internal static class UsesLower
    {
        public static string Name => Lower.GoesUp.Name;
    }
}

namespace LeadFunctions.Tests.Architecture.Planted.Lower
{
    internal static class GoesUp
    {
        public static string Name => typeof(GoesUp).FullName!;

        public static string Upper => Planted.Upper.UsesLower.Name;
    }
}
