namespace Lightning.Core.Tracking;

/// <summary>A tensor's element type and shape as a model signature records it; -1 marks the batch dimension.</summary>
/// <param name="DType">numpy-style dtype name (<c>float32</c>, <c>int64</c>), as MLflow's tensor specs spell it.</param>
/// <param name="Shape">Sizes, the first one -1 (any batch size).</param>
public sealed record TensorSpec(string DType, IReadOnlyList<long> Shape)
{
    /// <summary>The spec of <paramref name="tensor"/> with its first dimension left open.</summary>
    public static TensorSpec Of(TorchSharp.torch.Tensor tensor) =>
        new(DTypeName(tensor.dtype), [-1, .. tensor.shape.Skip(1)]);

    private static string DTypeName(TorchSharp.torch.ScalarType type) => type switch
    {
        TorchSharp.torch.ScalarType.Float32 => "float32",
        TorchSharp.torch.ScalarType.Float64 => "float64",
        TorchSharp.torch.ScalarType.Float16 => "float16",
        TorchSharp.torch.ScalarType.BFloat16 => "bfloat16",
        TorchSharp.torch.ScalarType.Int64 => "int64",
        TorchSharp.torch.ScalarType.Int32 => "int32",
        TorchSharp.torch.ScalarType.Int16 => "int16",
        TorchSharp.torch.ScalarType.Int8 => "int8",
        TorchSharp.torch.ScalarType.Byte => "uint8",
        TorchSharp.torch.ScalarType.Bool => "bool",
        var other => other.ToString().ToLowerInvariant(),
    };
}
