using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Lightning.Core.Checkpoints;

/// <summary>A verified checkpoint, read into memory.</summary>
public sealed class LoadedCheckpoint
{
    private readonly byte[] _weights;

    internal LoadedCheckpoint(string path, byte[] weights, byte[]? optimizerState, byte[] rngState, JsonObject state)
    {
        Path = path;
        _weights = weights;
        OptimizerState = optimizerState;
        RngState = rngState;
        State = state;
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    /// <summary>Optimizer state bytes, or null for a weights-only checkpoint.</summary>
    public byte[]? OptimizerState { get; }

    /// <summary>CPU generator state bytes.</summary>
    public byte[] RngState { get; }

    /// <summary>The state document.</summary>
    public JsonObject State { get; }

    /// <summary>
    /// Copies the weights into <paramref name="module"/> after checking that every tensor name, shape and type matches;
    /// the first difference is reported by name and shapes.
    /// </summary>
    public void LoadWeightsInto(nn.Module module)
    {
        using var scope = NewDisposeScope();
        var saved = Safetensors.LoadStateDict(new MemoryStream(_weights), leaveOpen: false, keysToKeep: null);
        var target = module.state_dict();
        foreach (var (name, tensor) in target)
        {
            if (!saved.TryGetValue(name, out var stored))
                throw new CheckpointException($"Checkpoint '{Path}' does not fit the model: it has no tensor '{name}' " +
                    $"(the model's is [{Shape(tensor)}]). Was it saved from another architecture?");
            if (!stored.shape.SequenceEqual(tensor.shape))
                throw new CheckpointException($"Checkpoint '{Path}' does not fit the model: " +
                    $"tensor '{name}' is [{Shape(stored)}] in the checkpoint but [{Shape(tensor)}] in the model.");
            if (stored.dtype != tensor.dtype)
                throw new CheckpointException($"Checkpoint '{Path}' does not fit the model: " +
                    $"tensor '{name}' is {stored.dtype} in the checkpoint but {tensor.dtype} in the model (check trainer.precision).");
        }
        if (saved.Keys.FirstOrDefault(k => !target.ContainsKey(k)) is { } extra)
            throw new CheckpointException(
                $"Checkpoint '{Path}' does not fit the model: it has tensor '{extra}' [{Shape(saved[extra])}], which the model lacks.");
        using (no_grad())
        {
            foreach (var (name, tensor) in target) tensor.copy_(saved[name]);
        }
    }

    private static string Shape(Tensor tensor) => string.Join(", ", tensor.shape);
}
