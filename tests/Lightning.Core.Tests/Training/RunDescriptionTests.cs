using Lightning.Core.Data;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Training;

/// <summary>What a run shows its users: module, version, stage, a one-line description, the data sets, None for unset params.</summary>
[Collection(GlobalStateCollection.Name)]
public sealed class RunDescriptionTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private sealed class DescribedData : IDescribesData
    {
        public RandomData Data { get; } = new(samples: 8, validationSamples: 4);

        public IReadOnlyList<DatasetDescription> DescribeData() =>
        [
            new("points-train", "data/points.csv", "0123abcd", DatasetContext.Training) { Rows = 8 },
            new("points-validation", "data/points.csv", "0123abcd", DatasetContext.Validation) { Rows = 4 },
            new("points-test", "data/points.csv", "0123abcd", DatasetContext.Test) { Rows = 4 },
        ];
    }

    private sealed class DescribedRandomData(DescribedData described) : LightningDataModule<TensorBatch>, IDescribesData
    {
        public override void Setup(Stage stage) => described.Data.Setup(stage);
        public override IBatchLoader<TensorBatch> TrainLoader() => described.Data.TrainLoader();
        public override IBatchLoader<TensorBatch>? ValidationLoader() => described.Data.ValidationLoader();
        public override IBatchLoader<TensorBatch> TestLoader() => described.Data.TestLoader();
        public IReadOnlyList<DatasetDescription> DescribeData() => described.DescribeData();
    }

    [Fact]
    public void Fit_TagsTheRun_DescribesIt_AndRecordsTheTrainingAndValidationData()
    {
        var tracker = new RecordingTracker(_root.Path);
        var trainer = new Trainer(Quiet.Options(_root.Path), [], tracker);
        Assert.Equal(RunOutcome.Finished, trainer.Fit(new MlpModule(), new DescribedRandomData(new DescribedData())).Outcome);

        var tags = tracker.Start!.Tags;
        Assert.Equal("fit", tags["lightning.stage"]);
        Assert.Equal(nameof(MlpModule), tags[Trainer.ModuleTag]);
        Assert.Matches(@"^\d+\.\d+\.\d+", tags[Trainer.VersionTag]);
        Assert.Equal("Trained MlpModule on points-train (8 rows); validated on points-validation (4 rows).", tags[Trainer.NoteTag]);
        Assert.Equal(["points-train", "points-validation"], tracker.Inputs.Select(i => i.Name));
        // Lightning's MLflow logger writes str(None) for an unset option.
        Assert.Equal("None", tracker.Start.Params["trainer/max_time"]);
    }

    [Fact]
    public void Test_RecordsOnlyTheTestData_AndSaysSo()
    {
        var tracker = new RecordingTracker(_root.Path);
        new Trainer(Quiet.Options(_root.Path), [], tracker).Test(new MlpModule(), new DescribedRandomData(new DescribedData()));

        Assert.Equal("test", tracker.Start!.Tags["lightning.stage"]);
        Assert.Equal("Tested MlpModule on points-test (4 rows).", tracker.Start.Tags[Trainer.NoteTag]);
        Assert.Equal(["points-test"], tracker.Inputs.Select(i => i.Name));
    }
}
