using System.Globalization;
using System.Text.Json.Nodes;
using Lightning.Core.Serialization;
using Lightning.Core.Training;

namespace Lightning.Core.Callbacks;

/// <summary>
/// Saves checkpoints by epoch or by step, keeps the top-k by a monitored metric (removing the rest from disk and from
/// the tracker), keeps <c>last.ckpt</c>, and saves on interrupt so a stopped run can resume.
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly ModelCheckpointOptions _options;
    private readonly Dictionary<string, double> _bestK = [];
    private long _lastSavedStep = -1;
    private bool _validatedThisEpoch;
    private bool _warnedMissingMonitor;

    /// <summary>Creates the callback; options are validated here.</summary>
    public ModelCheckpoint(ModelCheckpointOptions? options = null)
    {
        _options = options ?? new ModelCheckpointOptions();
        var errors = new Configuration.ConfigErrors("callbacks.model_checkpoint");
        _options.Validate(errors);
        errors.ThrowIfAny();
    }

    /// <summary>The options in force.</summary>
    public ModelCheckpointOptions Options => _options;

    /// <summary>The best checkpoint so far (by the monitor, else the newest).</summary>
    public string? BestModelPath { get; private set; }

    /// <summary>The best checkpoint's score, when monitoring.</summary>
    public double? BestModelScore { get; private set; }

    /// <summary>The newest <c>last.ckpt</c>.</summary>
    public string? LastModelPath { get; private set; }

    /// <summary>The kept checkpoints and their scores (NaN when not monitoring).</summary>
    public IReadOnlyDictionary<string, double> BestKModels => _bestK;

    /// <inheritdoc />
    public override string StateKey => $"ModelCheckpoint{{monitor={_options.Monitor},mode={_options.Mode}}}";

    /// <inheritdoc />
    public override void OnTrainEpochStart(ITrainerView trainer) => _validatedThisEpoch = false;

    /// <inheritdoc />
    public override void OnTrainBatchEnd(ITrainerView trainer, TorchSharp.torch.Tensor loss, long batchIndex, long batchSize)
    {
        if (_options.EveryNTrainSteps > 0 && trainer.GlobalStep % _options.EveryNTrainSteps == 0 && trainer.GlobalStep != _lastSavedStep)
            Save(trainer);
    }

    /// <inheritdoc />
    public override void OnValidationEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics)
    {
        if (trainer.IsSanityChecking || trainer.Loop != LoopKind.Validation || trainer.Optimizer is null) return;
        _validatedThisEpoch = true;
        if (ValidationCadence.SavesOnTrainEpochEnd(trainer)) return;
        if (_options.Monitor is { } monitor) MonitorCheck.RequireLogged(trainer, "callbacks.model_checkpoint.monitor", monitor);
        if (EpochSaveDue(trainer)) Save(trainer);
    }

    /// <inheritdoc />
    public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics)
    {
        // Validating once per epoch, the save waits for the module's epoch end, as Lightning's does; so does a fit
        // that never validates. Validating at another cadence, only validations save (see OnValidationEnd).
        if (!ValidationCadence.SavesOnTrainEpochEnd(trainer)) return;
        if (_validatedThisEpoch && _options.Monitor is { } monitor)
            MonitorCheck.RequireLogged(trainer, "callbacks.model_checkpoint.monitor", monitor);
        if (EpochSaveDue(trainer)) Save(trainer);
    }

    /// <inheritdoc />
    public override void OnInterrupt(ITrainerView trainer)
    {
        var path = Path.Combine(Folder(trainer), "last.ckpt");
        trainer.SaveCheckpoint(path);
        LastModelPath = path;
        trainer.ReportCheckpoint(path, null);
    }

    /// <inheritdoc />
    public override void OnException(ITrainerView trainer, Exception error)
    {
        if (!_options.SaveOnException || trainer.Optimizer is null) return;
        var path = Path.Combine(Folder(trainer), "on_exception.ckpt");
        trainer.SaveCheckpoint(path);
        trainer.ReportCheckpoint(path, null);
    }

    /// <inheritdoc />
    public override JsonNode? StateDict() => new JsonObject
    {
        ["best_model_path"] = BestModelPath,
        ["best_model_score"] = JsonNumbers.From(BestModelScore),
        ["last_model_path"] = LastModelPath,
        ["best_k_models"] = new JsonObject(_bestK.Select(p => KeyValuePair.Create(p.Key, JsonNumbers.From(p.Value)))),
    };

    /// <inheritdoc />
    public override void LoadStateDict(JsonNode state)
    {
        BestModelPath = state["best_model_path"]?.GetValue<string>();
        BestModelScore = JsonNumbers.Read(state["best_model_score"]);
        LastModelPath = state["last_model_path"]?.GetValue<string>();
        _bestK.Clear();
        foreach (var (path, score) in state["best_k_models"]?.AsObject() ?? [])
            if (File.Exists(path)) _bestK[path] = JsonNumbers.Read(score) ?? double.NaN;
    }

    private bool EpochSaveDue(ITrainerView trainer) =>
        _options.EveryNTrainSteps == 0 && (trainer.CurrentEpoch + 1) % _options.EveryNEpochs == 0 && trainer.GlobalStep != _lastSavedStep;

    private void Save(ITrainerView trainer)
    {
        _lastSavedStep = trainer.GlobalStep;
        var folder = Folder(trainer);
        double? score = Score(trainer);
        if (KeepTopK(trainer, folder, score) is { } kept) trainer.ReportCheckpoint(kept, score);
        if (!_options.SaveLast) return;
        var last = Path.Combine(folder, "last.ckpt");
        trainer.SaveCheckpoint(last);
        LastModelPath = last;
        trainer.Tracker.LogArtifact(last, "checkpoints/last.ckpt");
        trainer.ReportCheckpoint(last, score);
    }

    private string? KeepTopK(ITrainerView trainer, string folder, double? score)
    {
        if (_options.SaveTopK == 0) return null;
        var name = CheckpointFilename.Format(
            _options.Filename, trainer.CurrentEpoch, trainer.GlobalStep, trainer.CallbackMetrics, _options.AutoInsertMetricName) + ".ckpt";
        var path = Path.Combine(folder, name);
        var value = score ?? double.NaN;
        var monitoring = _options.Monitor is not null && score is not null;
        if (monitoring && _options.SaveTopK > 0 && _bestK.Count >= _options.SaveTopK && !IsBetter(value, Worst().Score)) return null;

        trainer.SaveCheckpoint(path);
        trainer.Tracker.LogArtifact(path, "checkpoints/" + name);
        _bestK[path] = value;
        while (_options.SaveTopK > 0 && _bestK.Count > _options.SaveTopK)
        {
            // Without a monitor, "best" is the newest: drop the oldest.
            var drop = monitoring ? Worst().Path : _bestK.Keys.First(k => k != path);
            _bestK.Remove(drop);
            if (drop == path || !IsInside(drop, folder)) continue;
            // Rank 0 wrote the file; the other ranks keep the same list, so they agree on what is kept, but touch no file.
            if (trainer.IsGlobalZero) File.Delete(drop);
            trainer.Tracker.DeleteArtifact("checkpoints/" + Path.GetFileName(drop));
        }
        var best = monitoring
            ? _bestK.Where(p => !double.IsNaN(p.Value)).OrderBy(p => p.Value, Comparer()).Select(p => p.Key).FirstOrDefault() ?? path
            : path;
        BestModelPath = best;
        BestModelScore = monitoring ? _bestK[best] : null;
        return path;
    }

    private double? Score(ITrainerView trainer)
    {
        if (_options.Monitor is not { } monitor) return null;
        if (trainer.CallbackMetrics.TryGetValue(monitor, out var value)) return value;
        if (!_warnedMissingMonitor)
        {
            _warnedMissingMonitor = true;
            trainer.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ModelCheckpoint monitors '{monitor}', which has not been logged yet " +
                $"(logged: {string.Join(", ", trainer.CallbackMetrics.Keys.Order())}); keeping the newest checkpoint until it is."));
        }
        return null;
    }

    private (string Path, double Score) Worst()
    {
        // NaN scores rank below every real score.
        var worst = _bestK.OrderBy(p => p.Value, Comparer()).Last();
        return (worst.Key, worst.Value);
    }

    private bool IsBetter(double candidate, double incumbent) =>
        !double.IsNaN(candidate) && (double.IsNaN(incumbent) || (_options.Mode == MonitorMode.Min ? candidate < incumbent : candidate > incumbent));

    private Comparer<double> Comparer() => Comparer<double>.Create((a, b) =>
        double.IsNaN(a) ? (double.IsNaN(b) ? 0 : 1) : double.IsNaN(b) ? -1 : _options.Mode == MonitorMode.Min ? a.CompareTo(b) : b.CompareTo(a));

    // A checkpoint kept by an earlier run that this one resumed from lives in that run's folder: it is not this run's to delete.
    private static bool IsInside(string file, string folder) =>
        Path.GetFullPath(file).StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private string Folder(ITrainerView trainer) =>
        Path.GetFullPath(_options.DirPath ?? Path.Combine(trainer.RunDirectory, "checkpoints"));
}
