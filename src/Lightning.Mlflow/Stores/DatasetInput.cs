using System.Text.Encodings.Web;
using System.Text.Json;
using Lightning.Core.Data;

namespace Lightning.Mlflow.Stores;

/// <summary>
/// A data set as MLflow stores a run input (transcripts 91–93, 97): every field a string, <c>source</c>, <c>schema</c>
/// and <c>profile</c> JSON documents written as Python's <c>json.dumps</c> writes them, and the loop as input tag
/// <c>mlflow.data.context</c>.
/// </summary>
public sealed record DatasetInput(string Name, string Digest, string SourceType, string Source, string Schema, string Profile, string Context)
{
    /// <summary>The input tag holding the context.</summary>
    public const string ContextTag = "mlflow.data.context";

    private static readonly JsonSerializerOptions Strings = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The MLflow form of <paramref name="dataset"/>.</summary>
    public static DatasetInput From(DatasetDescription dataset)
    {
        var scheme = Uri.TryCreate(dataset.Source, UriKind.Absolute, out var uri) && uri.Scheme.Length > 1 && !uri.IsFile ? uri.Scheme : null;
        var (sourceType, source) = scheme switch
        {
            null => ("local", $"{{\"uri\": {Quote(dataset.Source)}}}"),
            "http" or "https" => ("http", $"{{\"url\": {Quote(dataset.Source)}}}"),
            _ => (scheme, $"{{\"uri\": {Quote(dataset.Source)}}}"),
        };
        var columns = dataset.Schema.Select(c => $"{{\"type\": {Quote(c.Type)}, \"name\": {Quote(c.Name)}, \"required\": true}}");
        var schema = dataset.Schema.Count == 0 ? "" : $"{{\"mlflow_colspec\": [{string.Join(", ", columns)}]}}";
        var profile = dataset.Rows is { } rows
            ? $"{{\"num_rows\": {rows}, \"num_elements\": {rows * Math.Max(1, dataset.Schema.Count)}}}"
            : "";
        return new DatasetInput(dataset.Name, dataset.Digest, sourceType, source, schema, profile, ContextName(dataset.Context));
    }

    /// <summary>The value of <see cref="ContextTag"/>: <c>training</c>, <c>validation</c> or <c>test</c>.</summary>
    public static string ContextName(DatasetContext context) => context switch
    {
        DatasetContext.Training => "training",
        DatasetContext.Validation => "validation",
        _ => "test",
    };

    private static string Quote(string text) => JsonSerializer.Serialize(text, Strings);
}
