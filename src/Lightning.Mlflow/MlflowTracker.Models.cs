using Lightning.Core.Tracking;
using Lightning.Mlflow.Models;
using Lightning.Mlflow.Stores;

namespace Lightning.Mlflow;

public sealed partial class MlflowTracker
{
    private sealed record ModelCommand(ModelPackage Model) : Command;

    /// <inheritdoc />
    public void LogModel(ModelPackage model) => Enqueue(new ModelCommand(model));

    // As mlflow.<flavor>.log_model (transcript 64): every file of the folder under model/ first, runs/log-model last,
    // so the history never names a model whose files are missing; then, when asked, the registry (transcript 90).
    private void LogModelNow(ModelPackage model)
    {
        if (_run is null || _offline)
        {
            Warn($"The model in {model.Folder} was not logged: the MLflow server could not be reached (its files stay there).");
            return;
        }
        var run = _run;
        var dict = MlModelFile.Describe(model, run.RunId, _options.Time.GetUtcNow(), Guid.NewGuid().ToString("N"));
        MlModelFile.Write(model.Folder, dict);
        var files = Directory.EnumerateFiles(model.Folder).Order(StringComparer.Ordinal).ToList();
        try
        {
            foreach (var file in files) _store.UploadArtifact(run, file, $"{ModelPackage.ArtifactPath}/{Path.GetFileName(file)}");
            _sentArtifacts += files.Count;
            _store.LogModel(run.RunId, PythonJson.Write(dict));
        }
        catch (Exception error) when (error is MlflowException or IOException)
        {
            Warn($"The model was not logged in {_store.Uri} ({error.Message}); its files stay in {model.Folder}.");
            return;
        }
        if (_options.RegisterModel is not { } name) return;
        var source = $"{run.ArtifactUri.TrimEnd('/')}/{ModelPackage.ArtifactPath}";
        try
        {
            var version = ModelRegistration.Register(ModelRegistries.For(_store, _options.Time), name, source, run.RunId, _options.Time);
            Inform($"MLflow: registered the model as version {version.Version} of '{name}' (models:/{name}/{version.Version}).");
        }
        catch (MlflowException error)
        {
            Warn($"The model was logged but not registered as '{name}': {error.Message}");
        }
    }
}
