using Lightning.Core.Data;
using Lightning.Core.Tests.Support;
using static TorchSharp.torch;

namespace Lightning.Core.Tests.Callbacks;

/// <summary>An MLP whose validation logs a scripted 'score' per validation run, to drive monitors exactly.</summary>
public sealed class ScriptedModule(IReadOnlyList<double> scores) : MlpModule
{
    private int _validation = -1;

    public override void ValidationStep(TensorBatch batch, long batchIndex)
    {
        if (batchIndex == 0) _validation++;
        Log("score", scores[Math.Min(_validation, scores.Count - 1)]);
    }
}
