using Lightning.Core.Distributed;
using Lightning.Core.Metrics;
using Lightning.Core.Training;
using static TorchSharp.torch;

namespace Lightning.Core.Logging;

/// <summary>
/// Collects what a module logs during one loop. Step values stay on the device until the trainer reads them at a
/// logging step; epoch values are accumulated on the device, weighted by batch size, and read once per epoch.
/// </summary>
internal sealed class MetricLog : IDisposable
{
    private readonly Dictionary<string, Tensor> _stepTensors = [];
    private readonly Dictionary<string, double> _stepValues = [];
    private readonly Dictionary<string, (Tensor Sum, double Weight)> _epochTensors = [];
    private readonly Dictionary<string, (double Sum, double Weight)> _epochValues = [];
    private readonly Dictionary<string, Metric> _epochMetrics = [];
    // Step values logged with SyncDist, reduced over the ranks when read.
    private readonly HashSet<string> _syncedStepNames = [];
    // Forked name (x_step, x_epoch) to the name it was logged as: monitors see the value under both.
    private readonly Dictionary<string, string> _plainNames = [];
    private long _batchSize = 1;

    /// <summary>The loop values are logged from; it sets the on-step/on-epoch defaults.</summary>
    public LoopKind Loop { get; private set; }

    /// <summary>Whether on-step values of the current batch are kept (only on logging steps, so other steps never sync).</summary>
    public bool CaptureStep { get; private set; }

    /// <summary>Names logged with the progress-bar flag.</summary>
    public HashSet<string> ProgressBarNames { get; } = [];

    /// <summary>Set while epoch-end hooks run: values logged then default to epoch values, as in Lightning.</summary>
    public bool AtEpochEnd { get; set; }

    /// <summary>The ranks whose epoch values are averaged together when read; null (or a group of one) for this process alone.</summary>
    public IProcessGroup? Group { get; set; }

    public void BeginLoop(LoopKind loop)
    {
        Loop = loop;
        ClearEpoch();
        ClearStep();
    }

    public void BeginBatch(long batchSize, bool captureStep)
    {
        _batchSize = batchSize;
        CaptureStep = captureStep;
    }

    public void Log(string name, Tensor value, LogOptions options)
    {
        if (value.numel() != 1)
            throw new ArgumentException(
                $"Log('{name}') got a tensor of shape [{string.Join(", ", value.shape)}]; only single values can be logged.", nameof(value));
        var (onStep, onEpoch) = Resolve(name, options);
        RememberPlain(name, onStep, onEpoch);
        if (onStep && CaptureStep)
        {
            var kept = value.detach().reshape([]).DetachFromDisposeScope();
            if (_stepTensors.Remove(StepName(name, onEpoch), out var previous)) previous.Dispose();
            _stepTensors[StepName(name, onEpoch)] = kept;
            if (options.SyncDist) _syncedStepNames.Add(StepName(name, onEpoch));
        }
        if (!onEpoch) return;
        var weight = (double)(options.BatchSize ?? _batchSize);
        var epochName = EpochName(name, onStep);
        if (!_epochTensors.TryGetValue(epochName, out var entry))
            entry = (zeros([], ScalarType.Float64, value.device).DetachFromDisposeScope(), 0);
        // One native op per logged value, as it runs every step: the float64 sum takes the value's type by promotion,
        // and no_grad keeps the sum out of the graph without a detached copy.
        using (no_grad()) entry.Sum.add_(value.Dimensions == 0 ? value : value.reshape([]), alpha: weight);
        _epochTensors[epochName] = (entry.Sum, entry.Weight + weight);
    }

    public void Log(string name, double value, LogOptions options)
    {
        var (onStep, onEpoch) = Resolve(name, options);
        RememberPlain(name, onStep, onEpoch);
        if (onStep && CaptureStep)
        {
            _stepValues[StepName(name, onEpoch)] = value;
            if (options.SyncDist) _syncedStepNames.Add(StepName(name, onEpoch));
        }
        if (!onEpoch) return;
        var weight = (double)(options.BatchSize ?? _batchSize);
        var epochName = EpochName(name, onStep);
        _epochValues.TryGetValue(epochName, out var entry);
        _epochValues[epochName] = (entry.Sum + value * weight, entry.Weight + weight);
    }

    public void Log(string name, Metric metric, LogOptions options)
    {
        if (options.OnStep == true)
            throw new ArgumentException(
                $"Log('{name}') got a Metric with OnStep = true; metric objects are logged at epoch end. Log the batch value as a tensor instead.",
                nameof(options));
        if (options.ProgressBar) ProgressBarNames.Add(name);
        _epochMetrics[name] = metric;
    }

    /// <summary>Whether any on-step value waits to be read.</summary>
    public bool HasStepValues => _stepTensors.Count > 0 || _stepValues.Count > 0;

    /// <summary>Reads the kept step values (one device read each) and forgets them.</summary>
    /// <returns>The values; monitors see them only in training, as Lightning's callback metrics.</returns>
    public LoggedMetrics ReadStep()
    {
        var values = new Dictionary<string, double>(_stepValues);
        foreach (var (name, tensor) in _stepTensors) values[name] = ToDouble(tensor);
        if (Group is { WorldSize: > 1 } group && _syncedStepNames.Count > 0) MeanAcrossRanks(group, values);
        ClearStep();
        return new LoggedMetrics(values, Loop == LoopKind.Train ? WithPlainNames(values) : []);
    }

    /// <summary>Computes the epoch values (weighted means and metric objects) and resets them.</summary>
    public LoggedMetrics ReadEpoch()
    {
        var values = new Dictionary<string, double>();
        var sums = EpochSums();
        if (Group is { WorldSize: > 1 } group)
        {
            sums = EpochReduction.AcrossRanks(group, sums);
            // Metric objects sum their states over the ranks, in name order so every rank reduces the same one together.
            foreach (var (_, metric) in _epochMetrics.OrderBy(pair => pair.Key, StringComparer.Ordinal)) metric.AllReduceStates(group);
        }
        foreach (var (name, (sum, weight)) in sums) values[name] = sum / weight;
        foreach (var (name, metric) in _epochMetrics)
        {
            values[name] = metric.Compute();
            metric.Reset();
        }
        ClearEpoch();
        return new LoggedMetrics(values, WithPlainNames(values));
    }

    /// <summary>The running epoch sums, so a checkpoint taken mid-epoch resumes them.</summary>
    public Dictionary<string, (double Sum, double Weight)> EpochSums()
    {
        var sums = new Dictionary<string, (double, double)>(_epochValues);
        foreach (var (name, (sum, weight)) in _epochTensors) sums[name] = (ToDouble(sum), weight);
        return sums;
    }

    /// <summary>Restores running epoch sums saved by <see cref="EpochSums"/>.</summary>
    public void RestoreEpochSums(IReadOnlyDictionary<string, (double Sum, double Weight)> sums)
    {
        foreach (var (name, entry) in sums) _epochValues[name] = entry;
    }

    public void Dispose()
    {
        ClearEpoch();
        ClearStep();
    }

    private (bool OnStep, bool OnEpoch) Resolve(string name, LogOptions options)
    {
        if (Loop == LoopKind.Predict)
            throw new InvalidOperationException($"Log('{name}') was called during prediction; prediction does not log.");
        if (options.ProgressBar) ProgressBarNames.Add(name);
        var training = Loop == LoopKind.Train && !AtEpochEnd;
        return (options.OnStep ?? training, options.OnEpoch ?? !training);
    }

    private void RememberPlain(string name, bool onStep, bool onEpoch)
    {
        if (!onStep || !onEpoch) return;
        _plainNames[StepName(name, true)] = name;
        _plainNames[EpochName(name, true)] = name;
    }

    // Lightning's callback metrics hold a forked value under both names, the plain one last read winning: during an
    // epoch train_loss is the latest step value, after it the epoch mean.
    private Dictionary<string, double> WithPlainNames(Dictionary<string, double> values)
    {
        var callback = new Dictionary<string, double>(values);
        foreach (var (name, value) in values)
            if (_plainNames.TryGetValue(name, out var plain)) callback[plain] = value;
        return callback;
    }

    // Logged on both step and epoch, a value appears twice, as Lightning names them: name_step and name_epoch.
    private static string StepName(string name, bool alsoEpoch) => alsoEpoch ? name + "_step" : name;
    private static string EpochName(string name, bool alsoStep) => alsoStep ? name + "_epoch" : name;

    private static double ToDouble(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        return tensor.to(ScalarType.Float64).item<double>();
    }

    // In name order, so every rank sends its values in the same places of one all-reduce.
    private void MeanAcrossRanks(IProcessGroup group, Dictionary<string, double> values)
    {
        var names = _syncedStepNames.Order(StringComparer.Ordinal).ToArray();
        var buffer = names.Select(name => values[name]).ToArray();
        group.AllReduce(buffer, ReduceOperation.Mean);
        for (var i = 0; i < names.Length; i++) values[names[i]] = buffer[i];
    }

    private void ClearStep()
    {
        _syncedStepNames.Clear();
        foreach (var tensor in _stepTensors.Values) tensor.Dispose();
        _stepTensors.Clear();
        _stepValues.Clear();
    }

    private void ClearEpoch()
    {
        foreach (var (sum, _) in _epochTensors.Values) sum.Dispose();
        _epochTensors.Clear();
        _epochValues.Clear();
        _epochMetrics.Clear();
    }
}
