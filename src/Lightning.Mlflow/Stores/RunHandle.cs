namespace Lightning.Mlflow.Stores;

/// <summary>A run as a store knows it.</summary>
/// <param name="RunId">32 hex characters.</param>
/// <param name="ExperimentId">The experiment's id.</param>
/// <param name="ArtifactUri">Where the run's artifacts live (<c>mlflow-artifacts:/...</c> or <c>file:///...</c>).</param>
public sealed record RunHandle(string RunId, string ExperimentId, string ArtifactUri);
