using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>
/// Gradient clipping without a host sync: TorchSharp's <c>clip_grad_norm_</c> returns the norm as a double, which
/// waits for the GPU every step; this computes the scale on the device instead.
/// </summary>
internal static class GradientClipping
{
    public static void Clip(IEnumerable<TorchSharp.Modules.Parameter> parameters, double value, ClipAlgorithm algorithm)
    {
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return;
        using var scope = NewDisposeScope();
        if (algorithm == ClipAlgorithm.Value)
        {
            foreach (var grad in grads) grad.clamp_(-value, value);
            return;
        }
        var total = stack(grads.Select(g => g.detach().to(ScalarType.Float32).norm()).ToArray()).norm();
        var scale = (value / (total + 1e-6)).clamp_max(1.0);
        foreach (var grad in grads) grad.mul_(scale.to(grad.dtype));
    }
}
