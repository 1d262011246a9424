using Lightning.Mlflow.Stores;

namespace Lightning.Mlflow.Models;

/// <summary>The Model Registry that goes with a tracking store (MLflow's default: the registry URI is the tracking URI).</summary>
public static class ModelRegistries
{
    /// <summary>The registry of <paramref name="store"/>.</summary>
    public static IModelRegistry For(IRunStore store, TimeProvider? time = null) => store switch
    {
        RestStore rest => new RestRegistry(rest.Client, rest.Uri),
        FileStore file => new FileRegistry(file.Root, time),
        _ => throw new ArgumentException($"{store.GetType().Name} has no model registry."),
    };
}
