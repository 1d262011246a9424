using Lightning.Cli.Tests.Support;
using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;
using Lightning.TestSupport;

namespace Lightning.Cli.Tests;

/// <summary>runs list / show on a file store in a temp folder, in process.</summary>
[Collection(ToolCollection.Name)]
public sealed class RunsCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private string CreateRun(string name, double loss)
    {
        var store = new FileStore(_folder.Combine("mlruns"));
        var run = store.CreateRun(new RunRequest("exp", name, "tester", 1_700_000_000_000, new Dictionary<string, string>()));
        store.LogBatch(run.RunId, [new MetricPoint("loss", loss, 1, 1_700_000_000_000), new MetricPoint("system/cpu", 12, 1, 1_700_000_000_000),
            new MetricPoint("val_acc", 0.5, 1, 1_700_000_000_000)], [new("model/lr", "0.01")], []);
        store.UpdateRun(run.RunId, RunStatus.Finished, 1_700_000_001_000);
        return run.RunId;
    }

    [Fact]
    public void List_OfAnEmptyFolder_SaysThereAreNoRuns()
    {
        var run = Tool.Run(_folder.Path, arguments: ["runs", "list"]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains($"No runs in {_folder.Combine("mlruns")}.", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void List_ShowsEachRunWithItsLatestMetrics()
    {
        var id = CreateRun("first", 0.25);
        var run = Tool.Run(_folder.Path, arguments: ["runs", "list"]);
        Assert.True(run.ExitCode == 0, run.Error);
        var row = Assert.Single(run.Output.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal));
        Assert.Contains("first", row, StringComparison.Ordinal);
        Assert.Contains("FINISHED", row, StringComparison.Ordinal);
        // The training figures first, in name order, then the system metrics.
        Assert.EndsWith("loss=0.25 val_acc=0.5 system/cpu=12", row.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Show_PrintsTheRunsParameters()
    {
        var id = CreateRun("shown", 0.5);
        var run = Tool.Run(_folder.Path, arguments: ["runs", "show", id]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("model/lr", run.Output, StringComparison.Ordinal);
        Assert.Contains("0.01", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Show_OfAnUnknownRun_FailsWithoutATrace()
    {
        CreateRun("other", 0.5);
        var run = Tool.Run(_folder.Path, arguments: ["runs", "show", new string('f', 32)]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.Contains(new string('f', 32), run.Error, StringComparison.Ordinal);
    }
}
