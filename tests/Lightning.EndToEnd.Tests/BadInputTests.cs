using System.Text.RegularExpressions;
using Lightning.Mlflow.Stores;
using Lightning.Hosting;

namespace Lightning.EndToEnd.Tests;

/// <summary>
/// The mistakes users make with a template project, each run as the app process: a bad value, a typo in a path or
/// key, a malformed CSV. Each must end with the right exit code and one sentence naming the key, file or line; no
/// stack frame, no file outside the project, and nothing of the earlier run lost.
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed partial class BadInputTests(Workspace workspace)
{
    private const string Header = "x0,x1,x2,x3,x4,x5,x6,x7,target";

    /// <param name="Arguments">After the app's dll.</param>
    /// <param name="ExitCode"><see cref="ExitCodes.Usage"/> for input the user fixes, <see cref="ExitCodes.Failed"/> for a failure of code.</param>
    /// <param name="Expected">Text the output must contain: the key, file, line or column.</param>
    /// <param name="Files">Files written into the project first (relative path, content).</param>
    /// <param name="Environment">Environment variables for the run.</param>
    public sealed record Mistake(
        string[] Arguments, int ExitCode, string[] Expected, (string Path, string Text)[]? Files = null,
        Dictionary<string, string>? Environment = null);

    private static string Rows(int count, int features = 8, Func<int, string>? target = null) =>
        string.Concat(Enumerable.Range(0, count).Select(i =>
            string.Join(",", Enumerable.Range(0, features)
                .Select(f => ((i * 7 + f * 3) % 10 / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture)))
            + "," + (target?.Invoke(i) ?? (i % 3).ToString()) + "\n"));

    public static readonly Dictionary<string, Mistake> Mistakes = new()
    {
        // The issue's observed cases.
        ["path typo"] = new(["fit", "--data.path=data/my_dataa.csv"], ExitCodes.Usage,
            ["'data.path' (from --data.path)", "no such file", "CSV files in that folder: train.csv"]),
        ["path in a missing root folder"] = new(["fit", "--data.path=/nonexistent_dir_lightning/d.csv"], ExitCodes.Usage,
            ["'data.path'", "no such file"]),
        ["dropout above 1"] = new(["fit", "--model.dropout=1.5"], ExitCodes.Usage,
            ["Invalid value '1.5' for 'model.dropout' (from --model.dropout): must be at least 0 and less than 1."]),
        ["negative learning rate"] = new(["fit", "--model.lr=-0.01"], ExitCodes.Usage,
            ["Invalid value '-0.01' for 'model.lr' (from --model.lr): must be greater than 0"]),
        ["validation fraction too large"] = new(["fit", "--data.validation_fraction=0.6"], ExitCodes.Usage,
            ["'data.validation_fraction'", "at most 0.45"]),
        ["batch size 0"] = new(["fit", "--data.batch_size=0"], ExitCodes.Usage, ["'data.batch_size'", "at least 1"]),
        ["empty csv"] = new(["fit", "--data.path=bad/empty.csv"], ExitCodes.Usage, ["bad/empty.csv is empty"], [("bad/empty.csv", "")]),
        ["header-only csv"] = new(["fit", "--data.path=bad/header.csv"], ExitCodes.Usage, ["bad/header.csv has a header but no data rows"],
            [("bad/header.csv", Header + "\n")]),
        ["non-numeric cell"] = new(["fit", "--data.path=bad/text.csv"], ExitCodes.Usage, ["bad/text.csv line 4, column 3 ('abc')"],
            [("bad/text.csv", Header + "\n" + Rows(2) + "0.1,0.2,abc,0.4,0.5,0.6,0.7,0.8,1\n" + Rows(20))]),
        ["semicolon separated"] = new(["fit", "--data.path=bad/semi.csv"], ExitCodes.Usage, ["bad/semi.csv line 1", "this file uses ';'"],
            [("bad/semi.csv", Header.Replace(',', ';') + "\n" + Rows(20).Replace(',', ';'))]),
        ["row with a missing column"] = new(["fit", "--data.path=bad/ragged.csv"], ExitCodes.Usage,
            ["bad/ragged.csv line 7 has 8 columns; the header has 9"],
            [("bad/ragged.csv", Header + "\n" + Rows(5) + "0.1,0.2,0.3,0.4,0.5,0.6,0.7,1\n" + Rows(20))]),
        ["label out of range"] = new(["fit", "--data.path=bad/label.csv"], ExitCodes.Usage,
            ["bad/label.csv line 44, column 9: the target 7 is not a class index 0..2"],
            [("bad/label.csv", Header + "\n" + Rows(100, target: i => i == 42 ? "7" : "1"))]),
        ["too few feature columns"] = new(["fit", "--data.path=bad/five.csv"], ExitCodes.Usage,
            ["bad/five.csv has 5 feature columns", "the model takes 8"],
            [("bad/five.csv", "a,b,c,d,e,target\n" + Rows(50, features: 5))]),
        ["checkpoint monitor typo"] = new(["fit", "--callbacks.model_checkpoint.monitor=val_los"], ExitCodes.Usage,
            ["'callbacks.model_checkpoint.monitor'", "was not logged by the end of the first validation", "Did you mean 'val_loss'?"]),
        ["early stopping monitor typo"] = new(["fit", "--callbacks.early_stopping.monitor=val_accc"], ExitCodes.Usage,
            ["'callbacks.early_stopping.monitor'", "Did you mean 'val_acc'?"]),
        // Ten more that users plausibly make.
        ["hidden size 0"] = new(["fit", "--model.hidden_size=0"], ExitCodes.Usage, ["'model.hidden_size'", "at least 1"]),
        ["path is a folder"] = new(["fit", "--data.path=data"], ExitCodes.Usage, ["'data.path'", "is a folder"]),
        ["negative label"] = new(["fit", "--data.path=bad/negative.csv"], ExitCodes.Usage, ["bad/negative.csv line 2, column 9: the target -1"],
            [("bad/negative.csv", Header + "\n" + Rows(30, target: i => i == 0 ? "-1" : "0"))]),
        ["fractional label"] = new(["fit", "--data.path=bad/fraction.csv"], ExitCodes.Usage, ["the target 1.5 is not a class index"],
            [("bad/fraction.csv", Header + "\n" + Rows(30, target: i => i == 3 ? "1.5" : "0"))]),
        ["too few rows to split"] = new(["fit", "--data.path=bad/tiny.csv"], ExitCodes.Usage, ["bad/tiny.csv has 3 data rows: too few"],
            [("bad/tiny.csv", Header + "\n" + Rows(3))]),
        ["key typo"] = new(["fit", "--model.lrr=0.1"], ExitCodes.Usage, ["Unknown key 'model.lrr' (from --model.lrr). Did you mean 'model.lr'?"]),
        ["number that is not a number"] = new(["fit", "--trainer.max_epochs=ten"], ExitCodes.Usage,
            ["'trainer.max_epochs' (from --trainer.max_epochs)"]),
        ["bad value in an environment variable"] = new(["fit"], ExitCodes.Usage, ["'model.lr' (from LIGHTNING__MODEL__LR)"],
            Environment: new() { ["LIGHTNING__MODEL__LR"] = "fast" }),
        ["config file typo"] = new(["fit", "--config", "lightnin.yaml"], ExitCodes.Usage, ["Config file 'lightnin.yaml' does not exist"]),
        ["tabs in the config file"] = new(["fit", "--config", "bad/tabs.yaml"], ExitCodes.Usage,
            ["tabs.yaml is not valid YAML at line 2: it is indented with a tab"], [("bad/tabs.yaml", "trainer:\n\tmax_epochs: 3\n")]),
        ["missing checkpoint"] = new(["test", "--ckpt-path", "checkpoints/best.ckpt"], ExitCodes.Usage, ["checkpoints/best.ckpt' does not exist"]),
        ["damaged checkpoint"] = new(["test", "--ckpt-path", "bad/broken.ckpt"], ExitCodes.Usage, ["bad/broken.ckpt' is truncated or damaged"],
            [("bad/broken.ckpt", "not a zip")]),
        ["bad value in a sweep-style tag list"] = new(["fit", "--tracking.tags=team"], ExitCodes.Usage, ["'tracking.tags'", "key=value pairs"]),
        ["unknown subcommand"] = new(["train"], ExitCodes.Usage, ["train"]),
        ["dropout as a percentage"] = new(["fit", "--model.dropout=10"], ExitCodes.Usage, ["'model.dropout'"]),
    };

    public static TheoryData<string> MistakeNames() => [.. Mistakes.Keys];

    [Theory]
    [MemberData(nameof(MistakeNames))]
    public void AMistake_IsNamed_WithTheRightExitCode_AndNothingIsLost(string name)
    {
        var project = TrainedProject.Get(workspace, "Mistakes");
        var mistake = Mistakes[name];
        foreach (var (path, text) in mistake.Files ?? [])
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(project.Folder, path))!);
            File.WriteAllText(Path.Combine(project.Folder, path), text);
        }
        var outside = Directory.GetFileSystemEntries(Path.GetDirectoryName(project.Folder)!).Order().ToList();

        var result = project.Exec(mistake.Arguments, mistake.Environment);

        Assert.True(mistake.ExitCode == result.ExitCode, $"exit {result.ExitCode}, expected {mistake.ExitCode}:\n{result.Output}");
        foreach (var expected in mistake.Expected) Assert.Contains(expected, result.Output);
        AssertNoStackTrace(result.Output);
        Assert.Equal(outside, Directory.GetFileSystemEntries(Path.GetDirectoryName(project.Folder)!).Order().ToList());
        Assert.False(Directory.Exists("/nonexistent_dir_lightning"), "a folder was created at the file system root");
        Assert.False(File.Exists(Path.Combine(project.Folder, "data", "my_dataa.csv")), "sample data was written at a mistyped path");
        project.AssertNothingLost();
    }

    [Fact]
    public void TestWithoutACheckpoint_WarnsAndNamesBest_AndTheRunSaysWhatItTested()
    {
        var project = TrainedProject.Get(workspace, "Mistakes");
        var untrained = project.Exec(["test"]);
        Assert.True(untrained.ExitCode == 0, untrained.Output);
        Assert.Contains("Warning: test runs on the model's initial, untrained weights", untrained.Output);
        Assert.Contains("--ckpt-path best", untrained.Output);
        var best = project.Exec(["test", "--ckpt-path", "best"]);
        Assert.True(best.ExitCode == 0, best.Output);
        Assert.DoesNotContain("Warning", best.Output);

        var runs = FileStoreReader.Runs(Path.Combine(project.Folder, "mlruns"))
            .Where(r => r.Tags.GetValueOrDefault("lightning.stage") == "test").ToList();
        Assert.Contains(runs,
            r => r.Tags["lightning.checkpoint"] == "none (initial weights)" && r.RunName.StartsWith("test-", StringComparison.Ordinal));
        Assert.Contains(runs, r => r.Tags["lightning.checkpoint"].EndsWith(".ckpt", StringComparison.Ordinal));
        Assert.Equal("fit", project.Run.Tags["lightning.stage"]);
        Assert.StartsWith("fit-", project.Run.RunName, StringComparison.Ordinal);
        project.AssertNothingLost();
    }

    [Fact]
    public void TheDefaultPath_IsGeneratedWithALineThatSaysSo()
    {
        var project = TrainedProject.Get(workspace, "Mistakes");
        Assert.Contains("No file at data/train.csv: wrote a sample data set of 2000 rows there. Point data.path at your own CSV", project.FirstFit);
        AssertNoStackTrace(project.FirstFit);
    }

    internal static void AssertNoStackTrace(string output)
    {
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.False(StackFrame().IsMatch(output), $"a stack frame reached the user:\n{output}");
    }

    [GeneratedRegex(@"^\s+at \S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
