using TorchSharp.Modules;
using static TorchSharp.torch.optim;

namespace Lightning.Core.Tuning;

/// <summary>An optimizer's state and learning rates at one moment, to put back exactly after the LR finder's steps.</summary>
internal sealed class OptimizerSnapshot
{
    private readonly Optimizer _optimizer;
    private readonly byte[]? _state;
    private readonly double[] _learningRates;

    private OptimizerSnapshot(Optimizer optimizer, byte[]? state, double[] learningRates) =>
        (_optimizer, _state, _learningRates) = (optimizer, state, learningRates);

    /// <summary>Copies <paramref name="optimizer"/>'s state (moments, step counts) and each group's learning rate.</summary>
    public static OptimizerSnapshot Take(Optimizer optimizer)
    {
        byte[]? state = null;
        if (optimizer is OptimizerHelper helper)
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) helper.save_state_dict(writer);
            state = stream.ToArray();
        }
        return new OptimizerSnapshot(optimizer, state, [.. optimizer.ParamGroups.Select(g => g.LearningRate)]);
    }

    /// <summary>Puts the copied state and learning rates back into the same optimizer.</summary>
    public void Restore()
    {
        if (_state is not null && _optimizer is OptimizerHelper helper)
        {
            using var reader = new BinaryReader(new MemoryStream(_state));
            helper.load_state_dict(reader);
        }
        var groups = _optimizer.ParamGroups.ToList();
        for (var i = 0; i < groups.Count; i++) groups[i].LearningRate = _learningRates[i];
    }
}
