using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Lightning.Core.Checkpoints;

/// <summary>Everything one checkpoint holds.</summary>
/// <param name="Weights">The module's state dict (parameters and buffers).</param>
/// <param name="OptimizerState">The optimizer's state in TorchSharp's format; null when not training.</param>
/// <param name="RngState">The CPU generator's state bytes.</param>
/// <param name="State">Loop position, scheduler, callbacks, data module, hyperparameters and versions.</param>
public sealed record CheckpointContents(
    IReadOnlyDictionary<string, Tensor> Weights, byte[]? OptimizerState, byte[] RngState, JsonObject State);
