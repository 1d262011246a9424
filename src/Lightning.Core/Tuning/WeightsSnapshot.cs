using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Tuning;

/// <summary>A copy of every parameter and buffer of a module, written back in place (bit for bit) after the LR finder.</summary>
internal sealed class WeightsSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> _copies;

    /// <summary>Copies <paramref name="module"/>'s state dict.</summary>
    public WeightsSnapshot(nn.Module module) =>
        _copies = module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone().DetachFromDisposeScope());

    /// <summary>Writes the copies back into <paramref name="module"/>'s tensors, wherever they now live.</summary>
    public void Restore(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (name, tensor) in module.state_dict()) tensor.copy_(_copies[name]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var copy in _copies.Values) copy.Dispose();
    }
}
