using Lightning.Core.Data;
using Lightning.Core.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lightning.Core.Training;

/// <summary>
/// Refuses to fit a model that cannot learn: a module whose layers were never registered (no
/// <c>RegisterComponents()</c>), or an optimizer given none of its parameters. Either would "train" to the end and
/// report success.
/// </summary>
internal static class TrainableParameters
{
    /// <summary>Throws when <paramref name="module"/> has no parameter that requires a gradient.</summary>
    public static void Require<TBatch>(LightningModule<TBatch> module) where TBatch : IBatch<TBatch>
    {
        if (module.parameters().Any(p => p.requires_grad)) return;
        var name = module.GetType().Name;
        throw new InvalidOperationException(
            $"{name} has no trainable parameters, so fit would train nothing. Call RegisterComponents() at the end of {name}'s constructor, " +
            "after its layers are created, or check that not every parameter has requires_grad turned off.");
    }

    /// <summary>Throws when <paramref name="optimizer"/> holds none of <paramref name="module"/>'s parameters.</summary>
    public static void Require<TBatch>(LightningModule<TBatch> module, optim.Optimizer optimizer) where TBatch : IBatch<TBatch>
    {
        if (optimizer.parameters().Any()) return;
        throw new InvalidOperationException(
            $"The optimizer {module.GetType().Name}.ConfigureOptimizers returned has no parameters to update, so fit would train nothing. " +
            "Create it from parameters() after RegisterComponents() has run.");
    }
}
