using Lightning.Mlflow;
using Lightning.Mlflow.Models;
using Lightning.Mlflow.Stores;

namespace Lightning.Cli.Commands;

/// <summary>Registers the model a run logged under <c>model/</c>: what <c>models register</c> and <c>sweep --register</c> share.</summary>
internal static class RunModelRegistration
{
    /// <summary>Registers run <paramref name="runId"/>'s logged model as the next version of <paramref name="name"/>.</summary>
    /// <exception cref="MlflowException">The run does not exist, has no logged model, or the registry refused.</exception>
    public static ModelVersion Register(IRunStore store, string runId, string name)
    {
        var found = store.FindRun(runId)
            ?? throw new MlflowException($"Run {runId} does not exist in {store.Uri}; 'dotnet lightning runs list' shows the runs.",
                "RESOURCE_DOES_NOT_EXIST", 404);
        // The run's own artifact location, never runs:/ — the UI cannot read a version registered from a runs:/ source.
        var source = $"{found.Run.ArtifactUri.TrimEnd('/')}/model";
        if (store is FileStore && !File.Exists(Path.Combine(new Uri(source).LocalPath, MlModelFile.FileName)))
            throw new MlflowException($"Run {runId} has no logged model (no model/MLmodel); train it with tracking.log_model: best.",
                "RESOURCE_DOES_NOT_EXIST", 404);
        return ModelRegistration.Register(ModelRegistries.For(store), name, source, found.Run.RunId);
    }
}
