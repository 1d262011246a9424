using System.Runtime.CompilerServices;

namespace Lightning.Core.Tests.Support;

internal static class TorchSetup
{
    /// <summary>Tests touch torch directly (not only through our types), so the native check runs before any of them.</summary>
    [ModuleInitializer]
#pragma warning disable CA2255 // A test assembly's initializer is the intended use.
    internal static void Initialize() => Lightning.Core.Native.TorchNative.EnsureLoadable();
#pragma warning restore CA2255
}
