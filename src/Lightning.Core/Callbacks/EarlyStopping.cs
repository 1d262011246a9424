using System.Globalization;
using System.Text.Json.Nodes;
using Lightning.Core.Serialization;
using Lightning.Core.Training;

namespace Lightning.Core.Callbacks;

/// <summary>Stops training when a monitored metric stops improving, crosses a threshold, or is not finite.</summary>
public sealed class EarlyStopping : Callback
{
    private readonly EarlyStoppingOptions _options;
    private bool _validatedThisEpoch;

    /// <summary>Creates the callback; options are validated here.</summary>
    public EarlyStopping(EarlyStoppingOptions options)
    {
        _options = options;
        var errors = new Configuration.ConfigErrors("callbacks.early_stopping");
        options.Validate(errors);
        errors.ThrowIfAny();
    }

    /// <summary>Checks since the last improvement.</summary>
    public int WaitCount { get; private set; }

    /// <summary>Best value seen.</summary>
    public double? BestScore { get; private set; }

    /// <summary>Epoch at which a stop was requested, or null.</summary>
    public int? StoppedEpoch { get; private set; }

    /// <summary>Why it stopped, or null.</summary>
    public string? StoppingReason { get; private set; }

    /// <inheritdoc />
    public override string StateKey => $"EarlyStopping{{monitor={_options.Monitor},mode={_options.Mode}}}";

    /// <inheritdoc />
    public override void OnTrainEpochStart(ITrainerView trainer) => _validatedThisEpoch = false;

    /// <inheritdoc />
    public override void OnValidationEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics)
    {
        if (trainer.IsSanityChecking || trainer.Optimizer is null) return;
        _validatedThisEpoch = true;
        if (!CheckOnTrainEpochEnd(trainer)) Check(trainer);
    }

    /// <inheritdoc />
    public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics)
    {
        if (!CheckOnTrainEpochEnd(trainer)) return;
        // An epoch cut short before its validation (max_steps) has nothing to judge a validation metric by yet. Lightning
        // raises here; a run that did what it was asked must not end FAILED, so the check waits for a value.
        if (trainer.ValidationBatches > 0 && !_validatedThisEpoch && !trainer.CallbackMetrics.ContainsKey(_options.Monitor)) return;
        Check(trainer);
    }

    // Unset, Lightning's rule: at epoch end when validation runs once per epoch, else after each validation.
    private bool CheckOnTrainEpochEnd(ITrainerView trainer) =>
        _options.CheckOnTrainEpochEnd ?? ValidationCadence.OncePerEpoch(trainer.Options);

    /// <inheritdoc />
    public override JsonNode? StateDict() => new JsonObject
    {
        ["wait_count"] = WaitCount,
        ["best_score"] = JsonNumbers.From(BestScore),
        ["stopped_epoch"] = StoppedEpoch,
        ["stopping_reason"] = StoppingReason,
    };

    /// <inheritdoc />
    public override void LoadStateDict(JsonNode state)
    {
        WaitCount = state["wait_count"]?.GetValue<int>() ?? 0;
        BestScore = JsonNumbers.Read(state["best_score"]);
        StoppedEpoch = state["stopped_epoch"]?.GetValue<int>();
        StoppingReason = state["stopping_reason"]?.GetValue<string>();
    }

    private void Check(ITrainerView trainer)
    {
        MonitorCheck.RequireLogged(trainer, "callbacks.early_stopping.monitor", _options.Monitor);
        var value = trainer.CallbackMetrics[_options.Monitor];
        var reason = Evaluate(value);
        if (reason is null) return;
        StoppedEpoch = trainer.CurrentEpoch;
        StoppingReason = reason;
        trainer.RequestStop(reason);
    }

    private string? Evaluate(double value)
    {
        var shown = value.ToString("G6", CultureInfo.InvariantCulture);
        var name = _options.Monitor;
        if (_options.CheckFinite && !double.IsFinite(value))
            return $"Monitored metric {name} = {shown} is not finite; stopping.";
        if (_options.StoppingThreshold is { } goal && Better(value, goal, 0))
            return $"Stopping threshold reached: {name} = {shown} is better than {goal.ToString(CultureInfo.InvariantCulture)}.";
        if (_options.DivergenceThreshold is { } limit && Better(limit, value, 0))
            return $"Divergence threshold reached: {name} = {shown} is worse than {limit.ToString(CultureInfo.InvariantCulture)}; stopping.";
        if (BestScore is not { } best || Better(value, best, _options.MinDelta))
        {
            BestScore = value;
            WaitCount = 0;
            return null;
        }
        WaitCount++;
        return WaitCount >= _options.Patience
            ? $"Monitored metric {name} did not improve in the last {WaitCount} checks; " +
                $"best {BestScore.Value.ToString("G6", CultureInfo.InvariantCulture)}."
            : null;
    }

    private bool Better(double candidate, double reference, double margin) =>
        _options.Mode == MonitorMode.Min ? candidate < reference - margin : candidate > reference + margin;
}
