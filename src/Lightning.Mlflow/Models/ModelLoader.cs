using Lightning.Core.Checkpoints;
using Lightning.Hosting;
using Lightning.Mlflow.Stores;
using static TorchSharp.torch;

namespace Lightning.Mlflow.Models;

/// <summary>
/// Loads a logged model back as a module ready to predict. The caller names the module type (the MLmodel records it,
/// but a type name alone cannot be trusted to construct code): the module is built from the <c>model</c> section of
/// the model's <c>config.yaml</c>, as the app host builds it, then gets the verified weights and is put in eval mode.
/// </summary>
public static class ModelLoader
{
    /// <summary>The module logged at <paramref name="uri"/>.</summary>
    /// <param name="uri"><c>models:/NAME/VERSION</c>, <c>models:/NAME@ALIAS</c>, <c>runs:/RUN_ID/model</c> or a folder.</param>
    /// <param name="trackingUri">The store; default <c>MLFLOW_TRACKING_URI</c>, else <c>./mlruns</c>.</param>
    /// <param name="cacheRoot">Where downloads are cached; default <see cref="ModelSources.DefaultCache"/>.</param>
    /// <exception cref="MlflowException">The model cannot be found or downloaded, or is not a Lightning model.</exception>
    /// <exception cref="CheckpointException">The weights are damaged or do not fit <typeparamref name="TModule"/>.</exception>
    public static TModule Load<TModule>(string uri, string? trackingUri = null, string? cacheRoot = null) where TModule : nn.Module
    {
        var local = Fetch(uri, trackingUri, cacheRoot);
        if (local.ModuleType is { } type && type != typeof(TModule).FullName)
            throw new MlflowException($"{local.Description} holds a {type}, not a {typeof(TModule).FullName}: load it as that type.",
                "INVALID_PARAMETER_VALUE", 400);
        var module = (TModule)ModuleFactory.Create(typeof(TModule), local.ConfigPath);
        ModelWeights.LoadInto(module, local.WeightsPath, local.WeightsSha256);
        module.eval();
        return module;
    }

    /// <summary>The model's local folder (downloaded and cached when it lives on a server).</summary>
    /// <param name="uri">As for <see cref="Load{TModule}"/>.</param>
    /// <param name="trackingUri">The store; default <c>MLFLOW_TRACKING_URI</c>, else <c>mlruns</c> under <paramref name="rootDirectory"/>.</param>
    /// <param name="cacheRoot">Where downloads are cached.</param>
    /// <param name="rootDirectory">The folder a default store and a server's local run folders are under.</param>
    public static LocalModel Fetch(string uri, string? trackingUri = null, string? cacheRoot = null, string rootDirectory = ".")
    {
        if (Directory.Exists(uri)) return ModelSources.Fetch(uri, new FileStore(Path.GetFullPath(uri)), cacheRoot);
        var target = TrackingTarget.Resolve(trackingUri, Environment.GetEnvironmentVariable(TrackingTarget.UriVariable), rootDirectory);
        using var store = target.Open(RestOptions.FromEnvironment(), MlflowTracking.LocalRunsRoot(rootDirectory));
        return ModelSources.Fetch(uri, store, cacheRoot);
    }

    /// <summary>What <c>predict --model</c> needs, for the app host: the model from the app's own tracking store.</summary>
    public static ResolvedModel ResolveForApp(string uri, TrackingOptions tracking, Core.Training.TrainerOptions trainer)
    {
        try
        {
            var local = Fetch(uri, tracking.Uri, rootDirectory: trainer.DefaultRootDir);
            return new ResolvedModel(local.Folder, local.WeightsSha256, local.Description);
        }
        catch (MlflowException error)
        {
            throw new Core.Configuration.LightningConfigException(
                [new Core.Configuration.ConfigIssue("--model", uri, "command line", error.Message)]);
        }
    }
}

/// <summary><c>MyModule.LoadFromModel("models:/NAME@champion")</c> on any module type (a C# 14 static extension).</summary>
public static class LoadFromModelExtension
{
    extension<TModule>(TModule) where TModule : nn.Module
    {
        /// <summary>The module logged at <paramref name="uri"/>, ready to predict (see <see cref="ModelLoader.Load{TModule}"/>).</summary>
        public static TModule LoadFromModel(string uri, string? trackingUri = null, string? cacheRoot = null) =>
            ModelLoader.Load<TModule>(uri, trackingUri, cacheRoot);
    }
}
