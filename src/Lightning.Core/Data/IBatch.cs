using static TorchSharp.torch;

namespace Lightning.Core.Data;

/// <summary>
/// A batch the trainer can move and count. Implement it on your own batch record; <see cref="TensorBatch"/> covers
/// the usual (input, target) pair. The trainer disposes every batch after its step.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IBatch<TSelf> : IDisposable where TSelf : IBatch<TSelf>
{
    /// <summary>Samples in the batch; epoch metrics are weighted by it.</summary>
    long Size { get; }

    /// <summary>Returns the batch on the target of <paramref name="transfer"/> (apply <see cref="BatchTransfer.Apply"/> to each tensor).</summary>
    TSelf To(BatchTransfer transfer);

    /// <summary>Returns the batch in page-locked host memory, so a CUDA copy can be asynchronous.</summary>
    TSelf PinMemory();
}
