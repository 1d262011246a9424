using Lightning.Mlflow.Stores;

namespace Lightning.Mlflow.Models;

/// <summary>
/// What <c>mlflow.register_model</c> does (transcript 90): create the registered model unless it exists, create a
/// version whose source is the run's resolved artifact URI, and wait while the registry answers PENDING_REGISTRATION.
/// </summary>
public static class ModelRegistration
{
    /// <summary>Registers <paramref name="source"/> of run <paramref name="runId"/> as the next version of <paramref name="name"/>.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="name">The registered model.</param>
    /// <param name="source">
    /// The model folder's resolved URI (<c>mlflow-artifacts:/…/artifacts/model</c>), never <c>runs:/</c> (transcript 99).
    /// </param>
    /// <param name="runId">The run that logged it.</param>
    /// <param name="time">Paces the polls (every 3 s, at most 300 s, Python's defaults).</param>
    /// <exception cref="MlflowException">Refused, failed, or still pending after 300 s.</exception>
    public static ModelVersion Register(IModelRegistry registry, string name, string source, string runId, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        registry.EnsureModel(RegistryNames.Model(name));
        var version = registry.CreateVersion(name, source, runId);
        var started = time.GetTimestamp();
        while (version.Status == ModelVersion.Pending)
        {
            if (time.GetElapsedTime(started) >= TimeSpan.FromSeconds(300))
                throw new MlflowException($"Version {version.Version} of '{name}' was still pending registration after 300 s in {registry.Uri}.",
                    "TEMPORARILY_UNAVAILABLE");
            Task.Delay(TimeSpan.FromSeconds(3), time).GetAwaiter().GetResult();
            version = registry.GetVersion(name, version.Version);
        }
        if (version.Status == ModelVersion.Failed)
            throw new MlflowException($"{registry.Uri} failed to register version {version.Version} of '{name}': {version.StatusMessage}",
                "FAILED_REGISTRATION");
        return version;
    }
}
