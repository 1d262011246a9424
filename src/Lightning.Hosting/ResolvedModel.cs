namespace Lightning.Hosting;

/// <summary>A logged model brought to a local folder.</summary>
/// <param name="Folder">Holds <c>model.safetensors</c> and <c>config.yaml</c>.</param>
/// <param name="WeightsSha256">The SHA-256 the weights must have, or null when nothing recorded one.</param>
/// <param name="Description">How people name it (<c>models:/digits/3 (run 1a2b…)</c>).</param>
public sealed record ResolvedModel(string Folder, string? WeightsSha256, string Description);
