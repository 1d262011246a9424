using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>
/// Gradient clipping without a host sync: TorchSharp's <c>clip_grad_norm_</c> returns the norm as a double, which
/// waits for the GPU every step; this computes the scale on the device instead. Loops, not LINQ: it runs every step.
/// </summary>
internal static class GradientClipping
{
    public static void Clip(TorchSharp.Modules.Parameter[] parameters, double value, ClipAlgorithm algorithm)
    {
        // Each read of .grad makes a new handle, so read each once.
        var grads = new Tensor[parameters.Length];
        var count = 0;
        foreach (var parameter in parameters)
            if (parameter.grad is { } grad) grads[count++] = grad;
        if (count == 0) return;
        using var scope = NewDisposeScope();
        if (algorithm == ClipAlgorithm.Value)
        {
            for (var i = 0; i < count; i++) grads[i].clamp_(-value, value);
            return;
        }
        var norms = new Tensor[count];
        for (var i = 0; i < count; i++) norms[i] = grads[i].detach().to(ScalarType.Float32).norm();
        var total = stack(norms).norm();
        var scale = (value / (total + 1e-6)).clamp_max(1.0);
        for (var i = 0; i < count; i++) grads[i].mul_(scale.to(grads[i].dtype));
    }
}
