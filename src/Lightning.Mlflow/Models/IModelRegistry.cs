namespace Lightning.Mlflow.Models;

/// <summary>
/// MLflow's Model Registry: a tracking server's REST API or the file store's <c>models/</c> folder. Failures are
/// <see cref="Stores.MlflowException"/>s whose message is one sentence a user can act on.
/// </summary>
public interface IModelRegistry
{
    /// <summary>Where the registry lives, for messages.</summary>
    string Uri { get; }

    /// <summary>Creates the registered model <paramref name="name"/> unless it exists.</summary>
    void EnsureModel(string name);

    /// <summary>Registers <paramref name="source"/> (the run's resolved artifact URI of the model) as the next version.</summary>
    ModelVersion CreateVersion(string name, string source, string runId);

    /// <summary>One version.</summary>
    ModelVersion GetVersion(string name, string version);

    /// <summary>The version an alias points to.</summary>
    ModelVersion GetByAlias(string name, string alias);

    /// <summary>Points <paramref name="alias"/> at <paramref name="version"/> (moving it if set).</summary>
    void SetAlias(string name, string alias, string version);

    /// <summary>One registered model.</summary>
    RegisteredModel GetModel(string name);

    /// <summary>Every registered model, by name.</summary>
    IReadOnlyList<RegisteredModel> Models();

    /// <summary>Every version of <paramref name="name"/>, oldest first.</summary>
    IReadOnlyList<ModelVersion> Versions(string name);
}
