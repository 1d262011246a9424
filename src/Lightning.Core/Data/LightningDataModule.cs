using System.Text.Json.Nodes;

namespace Lightning.Core.Data;

/// <summary>
/// Owns the data of a project: how to prepare it once, how to set it up per stage, and the loaders for each loop.
/// Loaders that are not overridden are absent (null), and the trainer skips that loop or says it needs one.
/// </summary>
/// <typeparam name="TBatch">The batch type the module's steps take.</typeparam>
public abstract class LightningDataModule<TBatch> where TBatch : IBatch<TBatch>
{
    /// <summary>Downloads or generates data once, before <see cref="Setup"/>; no state should be kept here.</summary>
    public virtual void PrepareData() { }

    /// <summary>Loads or splits the data the <paramref name="stage"/> needs.</summary>
    public virtual void Setup(Stage stage) { }

    /// <summary>Releases what <see cref="Setup"/> made for <paramref name="stage"/>.</summary>
    public virtual void Teardown(Stage stage) { }

    /// <summary>The training batches.</summary>
    public virtual IBatchLoader<TBatch>? TrainLoader() => null;

    /// <summary>The validation batches.</summary>
    public virtual IBatchLoader<TBatch>? ValidationLoader() => null;

    /// <summary>The test batches.</summary>
    public virtual IBatchLoader<TBatch>? TestLoader() => null;

    /// <summary>The prediction batches.</summary>
    public virtual IBatchLoader<TBatch>? PredictLoader() => null;

    /// <summary>State saved in checkpoints (e.g. a vocabulary); null saves nothing.</summary>
    public virtual JsonNode? StateDict() => null;

    /// <summary>Restores what <see cref="StateDict"/> returned.</summary>
    public virtual void LoadStateDict(JsonNode state) { }
}
