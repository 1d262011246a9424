using Lightning.Core.Distributed;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>What the ranks of a data-parallel fit make identical before and while they train: the seed and the weights.</summary>
internal static class DistributedState
{
    /// <summary>Rank 0's <paramref name="seed"/>, on every rank: a seed drawn at random differs between processes.</summary>
    public static long AgreeSeed(IProcessGroup group, long seed)
    {
        if (group.WorldSize == 1) return seed;
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BitConverter.TryWriteBytes(bytes, seed);
        group.Broadcast(bytes, root: 0);
        return BitConverter.ToInt64(bytes);
    }

    /// <summary>
    /// Overwrites every parameter and buffer of <paramref name="module"/> with rank 0's, as Lightning's DDP does when
    /// it wraps the model: modules built before the seed was set (or restored differently) start identical.
    /// </summary>
    public static void BroadcastFromRankZero(IProcessGroup group, nn.Module module)
    {
        if (group.WorldSize == 1) return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (_, tensor) in module.state_dict())
        {
            if (tensor.is_contiguous())
            {
                group.Broadcast(tensor, root: 0);
                continue;
            }
            var copy = tensor.contiguous();
            group.Broadcast(copy, root: 0);
            tensor.copy_(copy);
        }
    }
}
