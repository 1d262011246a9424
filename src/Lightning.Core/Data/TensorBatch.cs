using static TorchSharp.torch;

namespace Lightning.Core.Data;

/// <summary>A batch of inputs and targets, the shape most supervised modules take.</summary>
/// <param name="Input">Inputs, first dimension the batch.</param>
/// <param name="Target">Targets, first dimension the batch.</param>
public sealed record TensorBatch(Tensor Input, Tensor Target) : IBatch<TensorBatch>
{
    /// <inheritdoc />
    // Read twice a step: size(0) is one native call, where shape would also fetch every dimension into a new array.
    public long Size => Input.size(0);

    /// <inheritdoc />
    public TensorBatch To(BatchTransfer transfer)
    {
        var input = transfer.Apply(Input);
        var target = transfer.Apply(Target);
        return ReferenceEquals(input, Input) && ReferenceEquals(target, Target) ? this : new TensorBatch(input, target);
    }

    /// <inheritdoc />
    public TensorBatch PinMemory() => Pinnable(Input) || Pinnable(Target) ? new(Pin(Input), Pin(Target)) : this;

    private static bool Pinnable(Tensor tensor) => tensor.device_type == TorchSharp.DeviceType.CPU && !tensor.is_pinned();

    private static Tensor Pin(Tensor tensor) => Pinnable(tensor) ? tensor.pin_memory() : tensor.alias();

    /// <inheritdoc />
    public void Dispose()
    {
        Input.Dispose();
        Target.Dispose();
    }
}
