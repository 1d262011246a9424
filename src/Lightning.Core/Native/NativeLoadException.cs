namespace Lightning.Core.Native;

/// <summary>TorchSharp's native library cannot be loaded on this host; the message names the library, what is missing and the fix.</summary>
public sealed class NativeLoadException(string message) : Exception(message);
