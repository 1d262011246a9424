using Lightning.Core.Data;
using Lightning.Core.Modules;

namespace Lightning.Core.Training;

/// <summary>
/// The data of a run given as loaders or owned by the module (Lightning's <c>train_dataloader</c>), in the shape the
/// loops take: a loader passed to the trainer wins over the module's own.
/// </summary>
internal sealed class ModuleLoaders<TBatch>(
    LightningModule<TBatch> module, IBatchLoader<TBatch>? train = null, IBatchLoader<TBatch>? validation = null,
    IBatchLoader<TBatch>? test = null, IBatchLoader<TBatch>? predict = null) : LightningDataModule<TBatch>
    where TBatch : IBatch<TBatch>
{
    /// <summary>What error messages call this data: the module, whose loaders they are.</summary>
    public string Name { get; } = module.GetType().Name;

    public override IBatchLoader<TBatch>? TrainLoader() => train ?? module.TrainLoader();

    public override IBatchLoader<TBatch>? ValidationLoader() => validation ?? module.ValidationLoader();

    public override IBatchLoader<TBatch>? TestLoader() => test ?? module.TestLoader();

    public override IBatchLoader<TBatch>? PredictLoader() => predict ?? module.PredictLoader();
}
