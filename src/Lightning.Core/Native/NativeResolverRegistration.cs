using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Lightning.Core.Native;

/// <summary>
/// Hooks TorchSharp's native load as soon as this assembly is used, so that a user type deriving from ours can
/// touch <c>torch</c> in a field initializer (which runs before any of our constructors) and still load.
/// </summary>
internal static class NativeResolverRegistration
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255",
        Justification = "Registering the resolver must precede any user code that touches torch; it only adds an event handler.")]
    internal static void Register() => AssemblyLoadContext.Default.ResolvingUnmanagedDll += TorchNative.ResolveLibTorchSharp;
}
