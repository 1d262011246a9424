namespace Lightning.Core.Native;

/// <summary>How TorchSharp's native library is loaded on this host.</summary>
public enum NativeFix
{
    /// <summary>The host provides every version the stock library needs; it loads unchanged.</summary>
    None,

    /// <summary>The host lacks only <c>GLIBCXX_3.4.32</c>; a private copy with that need marked weak is loaded instead.</summary>
    WeakGlibcxxCopy,
}
