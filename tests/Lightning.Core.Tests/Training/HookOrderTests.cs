using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Lightning.Core.Callbacks;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using Lightning.TestSupport;
using static TorchSharp.torch;
using static TorchSharp.torch.optim;

namespace Lightning.Core.Tests.Training;

/// <summary>
/// Pins the hook order to PyTorch Lightning 2.x's (recorded from Lightning 2.2.5): the full sequence of a small fit is
/// compared with HookOrder.expected.txt, written from Lightning's order, not from ours.
/// </summary>
public sealed class HookOrderTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Fit_CallsHooksInLightningsOrder()
    {
        var calls = new List<string>();
        var module = new HookModule(calls);
        // Both monitors watch a metric the module logs only in OnTrainEpochEnd: they must act after it or fail the run.
        var callbacks = new Callback[]
        {
            new HookCallback(calls),
            new EarlyStopping(new EarlyStoppingOptions { Monitor = "epoch_metric", Patience = 100 }),
            new ModelCheckpoint(new ModelCheckpointOptions { Monitor = "epoch_metric", DirPath = _root.Path }),
        };
        var options = Quiet.Options(_root.Path) with { MaxEpochs = 2, NumSanityValSteps = 1, GradientClipVal = 0.01 };
        var result = new Trainer(options, callbacks, output: TextWriter.Null)
            .Fit(module, new RandomData(samples: 12, batchSize: 4, validationSamples: 8));

        Assert.True(result.Outcome == RunOutcome.Finished, result.Message);
        Assert.Equal(Expected(), string.Join('\n', calls));
    }

    [Fact]
    public void BeforeOptimizerStep_SeesUnclippedGradients_ClippingFollows()
    {
        var before = new List<double>();
        var after = new List<double>();
        var probe = new GradientNorms(before, after);
        var options = Quiet.Options(_root.Path) with { GradientClipVal = 1e-4 };
        new Trainer(options, [probe], output: TextWriter.Null).Fit(new MlpModule(), new RandomData());

        Assert.NotEmpty(before);
        Assert.All(before, n => Assert.True(n > 1e-4 * 10, $"on_before_optimizer_step saw norm {n}: already clipped"));
        Assert.All(after, n => Assert.True(n <= 1e-4 * 1.001, $"norm {n} after the step: not clipped"));
    }

    [Fact]
    public void Test_CallsTestHooks_NotValidationHooks()
    {
        var calls = new List<string>();
        var metrics = new Trainer(Quiet.Options(_root.Path), [new HookCallback(calls)], output: TextWriter.Null)
            .Test(new HookModule(calls), new RandomData(validationSamples: 8));

        Assert.Contains("test_loss", metrics.Keys);
        Assert.DoesNotContain(calls, c => c.Contains("validation", StringComparison.Ordinal));
        Assert.Equal(
            ["Callback.setup", "setup", "Callback.on_test_start", "on_test_start", "Callback.on_test_epoch_start", "on_test_epoch_start",
             "Callback.on_test_batch_start", "on_test_batch_start", "test_step", "Callback.on_test_batch_end", "on_test_batch_end",
             "Callback.on_test_batch_start", "on_test_batch_start", "test_step", "Callback.on_test_batch_end", "on_test_batch_end",
             "Callback.on_test_epoch_end", "on_test_epoch_end", "Callback.on_test_end", "on_test_end", "Callback.teardown", "teardown"],
            calls);
    }

    private static string Expected([CallerFilePath] string here = "") =>
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(here)!, "HookOrder.expected.txt")).ReplaceLineEndings("\n").TrimEnd('\n');

    private static string Mark(ITrainerView? trainer, string name) => trainer?.IsSanityChecking == true ? name + " [sanity]" : name;

    /// <summary>Records the module's hooks and steps under Lightning's names.</summary>
    private sealed class HookModule(List<string> calls) : MlpModule
    {
        private void Add(string name) => calls.Add(Mark(Trainer, name));

        public override void Setup(Stage stage) => Add("setup");
        public override void Teardown(Stage stage) => Add("teardown");
        public override OptimizerSetup ConfigureOptimizers()
        {
            Add("configure_optimizers");
            return base.ConfigureOptimizers();
        }
        public override void OnFitStart() => Add("on_fit_start");
        public override void OnFitEnd() => Add("on_fit_end");
        public override void OnTrainStart() => Add("on_train_start");
        public override void OnTrainEnd() => Add("on_train_end");
        public override void OnTrainEpochStart() => Add("on_train_epoch_start");
        public override void OnTrainEpochEnd()
        {
            Add("on_train_epoch_end");
            Log("epoch_metric", 1.0 / (Trainer!.CurrentEpoch + 1));
        }
        public override void OnTrainBatchStart(TensorBatch batch, long batchIndex) => Add("on_train_batch_start");
        public override void OnTrainBatchEnd(Tensor loss, TensorBatch batch, long batchIndex) => Add("on_train_batch_end");
        public override Tensor TrainingStep(TensorBatch batch, long batchIndex)
        {
            Add("training_step");
            return base.TrainingStep(batch, batchIndex);
        }
        public override void ValidationStep(TensorBatch batch, long batchIndex)
        {
            Add("validation_step");
            base.ValidationStep(batch, batchIndex);
        }
        public override void TestStep(TensorBatch batch, long batchIndex)
        {
            Add("test_step");
            base.TestStep(batch, batchIndex);
        }
        public override void OnBeforeZeroGrad(Optimizer optimizer) => Add("on_before_zero_grad");
        public override void OnBeforeBackward(Tensor loss) => Add("on_before_backward");
        public override void OnAfterBackward() => Add("on_after_backward");
        public override void OnBeforeOptimizerStep(Optimizer optimizer) => Add("on_before_optimizer_step");
        public override void OnValidationStart() => Add("on_validation_start");
        public override void OnValidationEnd() => Add("on_validation_end");
        public override void OnValidationEpochStart() => Add("on_validation_epoch_start");
        public override void OnValidationEpochEnd() => Add("on_validation_epoch_end");
        public override void OnValidationBatchStart(TensorBatch batch, long batchIndex) => Add("on_validation_batch_start");
        public override void OnValidationBatchEnd(TensorBatch batch, long batchIndex) => Add("on_validation_batch_end");
        public override void OnTestStart() => Add("on_test_start");
        public override void OnTestEnd() => Add("on_test_end");
        public override void OnTestEpochStart() => Add("on_test_epoch_start");
        public override void OnTestEpochEnd() => Add("on_test_epoch_end");
        public override void OnTestBatchStart(TensorBatch batch, long batchIndex) => Add("on_test_batch_start");
        public override void OnTestBatchEnd(TensorBatch batch, long batchIndex) => Add("on_test_batch_end");
        public override void OnSaveCheckpoint(JsonObject checkpoint) => Add("on_save_checkpoint");
    }

    /// <summary>Records every callback hook as Lightning names it, prefixed with <c>Callback.</c>.</summary>
    private sealed class HookCallback(List<string> calls) : Callback
    {
        private void Add(ITrainerView trainer, string name) => calls.Add(Mark(trainer, "Callback." + name));

        public override void Setup(ITrainerView trainer, Stage stage) => Add(trainer, "setup");
        public override void Teardown(ITrainerView trainer, Stage stage) => Add(trainer, "teardown");
        public override void OnFitStart(ITrainerView trainer) => Add(trainer, "on_fit_start");
        public override void OnFitEnd(ITrainerView trainer) => Add(trainer, "on_fit_end");
        public override void OnSanityCheckStart(ITrainerView trainer) => Add(trainer, "on_sanity_check_start");
        public override void OnSanityCheckEnd(ITrainerView trainer) => Add(trainer, "on_sanity_check_end");
        public override void OnTrainStart(ITrainerView trainer) => Add(trainer, "on_train_start");
        public override void OnTrainEnd(ITrainerView trainer) => Add(trainer, "on_train_end");
        public override void OnTrainEpochStart(ITrainerView trainer) => Add(trainer, "on_train_epoch_start");
        public override void OnTrainEpochEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> epochMetrics) =>
            Add(trainer, "on_train_epoch_end");
        public override void OnTrainBatchStart(ITrainerView trainer, long batchIndex) => Add(trainer, "on_train_batch_start");
        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize) =>
            Add(trainer, "on_train_batch_end");
        public override void OnBeforeZeroGrad(ITrainerView trainer) => Add(trainer, "on_before_zero_grad");
        public override void OnBeforeBackward(ITrainerView trainer, Tensor loss) => Add(trainer, "on_before_backward");
        public override void OnAfterBackward(ITrainerView trainer) => Add(trainer, "on_after_backward");
        public override void OnBeforeOptimizerStep(ITrainerView trainer) => Add(trainer, "on_before_optimizer_step");
        public override void OnValidationStart(ITrainerView trainer) => Add(trainer, "on_validation_start");
        public override void OnValidationEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics) => Add(trainer, "on_validation_end");
        public override void OnValidationEpochStart(ITrainerView trainer) => Add(trainer, "on_validation_epoch_start");
        public override void OnValidationEpochEnd(ITrainerView trainer) => Add(trainer, "on_validation_epoch_end");
        public override void OnValidationBatchStart(ITrainerView trainer, long batchIndex) => Add(trainer, "on_validation_batch_start");
        public override void OnValidationBatchEnd(ITrainerView trainer, long batchIndex) => Add(trainer, "on_validation_batch_end");
        public override void OnTestStart(ITrainerView trainer) => Add(trainer, "on_test_start");
        public override void OnTestEnd(ITrainerView trainer, IReadOnlyDictionary<string, double> metrics) => Add(trainer, "on_test_end");
        public override void OnTestEpochStart(ITrainerView trainer) => Add(trainer, "on_test_epoch_start");
        public override void OnTestEpochEnd(ITrainerView trainer) => Add(trainer, "on_test_epoch_end");
        public override void OnTestBatchStart(ITrainerView trainer, long batchIndex) => Add(trainer, "on_test_batch_start");
        public override void OnTestBatchEnd(ITrainerView trainer, long batchIndex) => Add(trainer, "on_test_batch_end");
    }

    /// <summary>Total gradient norm as on_before_optimizer_step sees it, and after the step (gradients live until the next zero_grad).</summary>
    private sealed class GradientNorms(List<double> before, List<double> after) : Callback
    {
        public override void OnBeforeOptimizerStep(ITrainerView trainer) => before.Add(Norm(trainer));
        public override void OnTrainBatchEnd(ITrainerView trainer, Tensor loss, long batchIndex, long batchSize) => after.Add(Norm(trainer));

        private static double Norm(ITrainerView trainer) =>
            Math.Sqrt(trainer.Module.parameters().Sum(p => p.grad!.square().sum().item<float>()));
    }
}
