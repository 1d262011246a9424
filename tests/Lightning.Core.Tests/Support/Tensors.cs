using static TorchSharp.torch;

namespace Lightning.Core.Tests.Support;

public static class Tensors
{
    /// <summary>Same shape, type and bytes.</summary>
    public static bool Bitwise(Tensor a, Tensor b) =>
        a.dtype == b.dtype && a.shape.SequenceEqual(b.shape) &&
        a.detach().cpu().contiguous().bytes.ToArray().AsSpan().SequenceEqual(b.detach().cpu().contiguous().bytes.ToArray());

    public static bool SameParameters(nn.Module a, nn.Module b) =>
        a.parameters().Zip(b.parameters()).All(p => Bitwise(p.First, p.Second));
}
