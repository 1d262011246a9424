namespace Lightning.Mlflow.Stores;

/// <summary>A run a store already holds, as a resumed fit needs it: where it is and the params it logged.</summary>
/// <param name="Run">The run.</param>
/// <param name="Params">Its params: MLflow keeps a param's first value, so a continued run logs only new keys.</param>
public sealed record ExistingRun(RunHandle Run, IReadOnlyDictionary<string, string> Params);
