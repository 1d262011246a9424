namespace Lightning.Core.Tracking;

/// <summary>
/// A trained model ready to be logged: a local folder holding <c>model.safetensors</c> (the checkpoint's weights, byte
/// for byte) and <c>config.yaml</c>, and what a model registry records about it.
/// </summary>
/// <param name="Folder">The local folder with the model's files.</param>
/// <param name="ModuleType">The module's full type name, so a loader knows what to construct.</param>
/// <param name="Checkpoint">The checkpoint the weights came from (its artifact path, or file name).</param>
/// <param name="WeightsSha256">SHA-256 of <c>model.safetensors</c> as the checkpoint's <c>checksums.json</c> records it.</param>
/// <param name="Inputs">The input tensors of one batch, or empty when the batch type has no plain input tensor.</param>
/// <param name="Outputs">What <c>PredictStep</c> returned for that batch.</param>
public sealed record ModelPackage(
    string Folder, string ModuleType, string Checkpoint, string WeightsSha256, IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs)
{
    /// <summary>The file holding the weights inside <see cref="Folder"/>.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>The file holding the resolved configuration inside <see cref="Folder"/>.</summary>
    public const string ConfigFile = "config.yaml";

    /// <summary>The artifact path MLflow users expect a run's model under.</summary>
    public const string ArtifactPath = "model";
}
