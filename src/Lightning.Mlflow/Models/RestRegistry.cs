using System.Text.Json.Nodes;
using Lightning.Mlflow.Stores;

namespace Lightning.Mlflow.Models;

/// <summary>The Model Registry of an MLflow tracking server (PROTOCOL.md §3.2; transcripts 71–90): GET for reads and searches.</summary>
internal sealed class RestRegistry(RestClient client, string uri) : IModelRegistry
{
    private const string Api = "api/2.0/mlflow/";

    /// <inheritdoc />
    public string Uri => uri;

    /// <inheritdoc />
    public void EnsureModel(string name)
    {
        try
        {
            client.Post(Api + "registered-models/create", new JsonObject { ["name"] = name });
        }
        catch (MlflowException error) when (error.ErrorCode == "RESOURCE_ALREADY_EXISTS")
        {
            // As mlflow.register_model: an existing model gets the new version (transcript 72).
        }
        catch (MlflowException error) when (error.Status == 400)
        {
            throw Refused(error, $"registered model '{name}'");
        }
    }

    /// <inheritdoc />
    public ModelVersion CreateVersion(string name, string source, string runId) =>
        Call(() => ModelVersion.From(client.Post(Api + "model-versions/create",
            new JsonObject { ["name"] = name, ["source"] = source, ["run_id"] = runId })["model_version"]!), $"registered model '{name}'");

    /// <inheritdoc />
    public ModelVersion GetVersion(string name, string version) =>
        Call(() => ModelVersion.From(client.Get(Api + "model-versions/get", [new("name", name), new("version", version)])["model_version"]!),
            $"version {version} of registered model '{name}'");

    /// <inheritdoc />
    public ModelVersion GetByAlias(string name, string alias) =>
        Call(() => ModelVersion.From(client.Get(Api + "registered-models/alias", [new("name", name), new("alias", alias)])["model_version"]!),
            $"alias '{alias}' of registered model '{name}'");

    /// <inheritdoc />
    public void SetAlias(string name, string alias, string version) =>
        Call(() => client.Post(Api + "registered-models/alias", new JsonObject { ["name"] = name, ["alias"] = alias, ["version"] = version }),
            $"version {version} of registered model '{name}'");

    /// <inheritdoc />
    public RegisteredModel GetModel(string name) =>
        Call(() => RegisteredModel.From(client.Get(Api + "registered-models/get", [new("name", name)])["registered_model"]!),
            $"registered model '{name}'");

    /// <inheritdoc />
    public IReadOnlyList<RegisteredModel> Models()
    {
        var models = new List<RegisteredModel>();
        string? token = null;
        do
        {
            var query = new List<KeyValuePair<string, string>> { new("max_results", "1000"), new("order_by", "name ASC") };
            if (token is not null) query.Add(new("page_token", token));
            var page = client.Get(Api + "registered-models/search", query);
            models.AddRange((page["registered_models"]?.AsArray() ?? []).Select(m => RegisteredModel.From(m!)));
            token = page["next_page_token"]?.GetValue<string>();
        } while (!string.IsNullOrEmpty(token));
        return models;
    }

    /// <inheritdoc />
    public IReadOnlyList<ModelVersion> Versions(string name)
    {
        GetModel(name);
        var versions = new List<ModelVersion>();
        string? token = null;
        do
        {
            var query = new List<KeyValuePair<string, string>> { new("filter", $"name='{name.Replace("'", "\\'", StringComparison.Ordinal)}'") };
            if (token is not null) query.Add(new("page_token", token));
            var page = client.Get(Api + "model-versions/search", query);
            versions.AddRange((page["model_versions"]?.AsArray() ?? []).Select(v => ModelVersion.From(v!)));
            token = page["next_page_token"]?.GetValue<string>();
        } while (!string.IsNullOrEmpty(token));
        return [.. versions.OrderBy(v => long.Parse(v.Version, System.Globalization.CultureInfo.InvariantCulture))];
    }

    private T Call<T>(Func<T> call, string what)
    {
        try
        {
            return call();
        }
        catch (MlflowException error) when (error.Status is 400 or 404)
        {
            throw Refused(error, what);
        }
    }

    // The server's messages name Python's view (name=x, version=99) or embed SQL text (72): one sentence of ours instead.
    private MlflowException Refused(MlflowException error, string what) => error.ErrorCode == "RESOURCE_DOES_NOT_EXIST"
        ? new MlflowException($"The {what} does not exist in {uri}; 'dotnet lightning models list' shows what does.",
            error.ErrorCode, error.Status, error)
        : new MlflowException($"{uri} refused the {what}: {error.Message.TrimEnd('.')}.", error.ErrorCode, error.Status, error);
}
