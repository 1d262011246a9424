namespace Lightning.Core.Data.Shards;

/// <summary>One sample read from memory-mapped shards: the raw bytes of its input row and of its target row.</summary>
/// <param name="Input">The input row, in the inputs' element type.</param>
/// <param name="Target">The target row, in the targets' element type.</param>
public sealed record ShardSample(byte[] Input, byte[] Target);
