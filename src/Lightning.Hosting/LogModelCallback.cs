using System.IO.Compression;
using System.Text.Json.Nodes;
using Lightning.Core.Callbacks;
using Lightning.Core.Checkpoints;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Tracking;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Hosting;

/// <summary>
/// At the end of a successful fit, packs the best (or last) checkpoint's weights, the resolved configuration and the
/// tensor specs of one batch into <c>model/</c> of the run folder and hands it to the tracker to log as the run's model.
/// </summary>
/// <param name="mode">Which checkpoint (<c>tracking.log_model</c>).</param>
/// <param name="configYaml">The resolved configuration, stored as <c>config.yaml</c> so a loader can rebuild the module.</param>
/// <param name="checkpoints">The trainer's checkpoint callbacks (known only once the trainer exists).</param>
/// <param name="sampleLoader">A loader whose first batch gives the signature (validation, else train), or null.</param>
internal sealed class LogModelCallback<TBatch>(
    LogModelMode mode, string configYaml, Func<IEnumerable<ModelCheckpoint>> checkpoints, Func<IBatchLoader<TBatch>?> sampleLoader)
    : Callback where TBatch : IBatch<TBatch>
{
    private bool _failed;

    /// <inheritdoc />
    public override void OnFitStart(ITrainerView trainer) => _failed = false;

    /// <inheritdoc />
    public override void OnException(ITrainerView trainer, Exception error) => _failed = true;

    /// <inheritdoc />
    public override void OnInterrupt(ITrainerView trainer) => _failed = true;

    /// <inheritdoc />
    public override void OnFitEnd(ITrainerView trainer)
    {
        if (_failed || trainer.Failure is not null || !trainer.IsGlobalZero || mode == LogModelMode.None) return;
        var kept = checkpoints().ToList();
        var path = mode == LogModelMode.Best
            ? kept.Select(c => c.BestModelPath).FirstOrDefault(p => p is not null)
              ?? kept.Select(c => c.LastModelPath).FirstOrDefault(p => p is not null)
            : kept.Select(c => c.LastModelPath).FirstOrDefault(p => p is not null);
        if (path is null || !File.Exists(path))
        {
            trainer.Output.WriteLine("No model was logged: the fit kept no checkpoint (callbacks.model_checkpoint is off).");
            return;
        }
        var folder = Path.Combine(trainer.RunDirectory, ModelPackage.ArtifactPath);
        Directory.CreateDirectory(folder);
        var sha256 = CopyWeights(path, Path.Combine(folder, ModelPackage.WeightsFile));
        File.WriteAllText(Path.Combine(folder, ModelPackage.ConfigFile), configYaml);
        var (inputs, outputs) = Signature(trainer);
        var relative = Path.GetRelativePath(trainer.RunDirectory, path).Replace('\\', '/');
        var checkpoint = relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFileName(path) : relative;
        trainer.Tracker.LogModel(new ModelPackage(folder, trainer.Module.GetType().FullName!, checkpoint, sha256, inputs, outputs));
    }

    // The weights entry is copied byte for byte (after the checkpoint's own checks), so its recorded checksum holds.
    private static string CopyWeights(string checkpoint, string target)
    {
        CheckpointFile.Read(checkpoint);
        using var archive = ZipFile.OpenRead(checkpoint);
        using (var weights = archive.GetEntry(ModelPackage.WeightsFile)!.Open())
        using (var file = File.Create(target))
            weights.CopyTo(file);
        using var checksums = archive.GetEntry("checksums.json")!.Open();
        return JsonNode.Parse(checksums)![ModelPackage.WeightsFile]!.GetValue<string>();
    }

    // One batch through PredictStep, in eval mode and without gradients, gives the shapes a caller must feed and gets back.
    private (IReadOnlyList<TensorSpec>, IReadOnlyList<TensorSpec>) Signature(ITrainerView trainer)
    {
        if (sampleLoader() is not { } loader || trainer.Module is not LightningModule<TBatch> module) return ([], []);
        using var scope = NewDisposeScope();
        var first = loader.Iterate(new LoaderPosition(0, 0, 0) { AllowShuffle = false }).FirstOrDefault();
        if (first is null) return ([], []);
        var batch = new BatchTransfer(trainer.Device, null, false).Move(first);
        var training = module.training;
        module.eval();
        try
        {
            using var _ = no_grad();
            var output = module.PredictStep(batch, 0);
            IReadOnlyList<TensorSpec> inputs = batch is TensorBatch tensors ? [TensorSpec.Of(tensors.Input)] : [];
            return (inputs, [TensorSpec.Of(output)]);
        }
        finally
        {
            module.train(training);
        }
    }
}
