namespace Lightning.Core.Native;

/// <summary>What <see cref="TorchNative.EnsureLoadable"/> found and did.</summary>
/// <param name="Library">The stock <c>libLibTorchSharp.so</c> TorchSharp would load.</param>
/// <param name="Fix">Whether a private copy is used instead.</param>
/// <param name="LoadedFrom">The file actually loaded: the stock library, or the private copy.</param>
/// <param name="Waived">The version needs the private copy marks weak (empty when none).</param>
public sealed record NativeLoadReport(string Library, NativeFix Fix, string LoadedFrom, IReadOnlyList<VersionNeed> Waived);
