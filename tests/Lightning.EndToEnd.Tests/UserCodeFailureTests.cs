using Lightning.Mlflow.Stores;
using Lightning.Hosting;

namespace Lightning.EndToEnd.Tests;

/// <summary>
/// Failures in the user's own code (module, data module) and a module that cannot learn: one line naming the type and
/// method, exit 1, the trace in a log in the run folder, the FAILED run carrying the message.
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed class UserCodeFailureTests(Workspace workspace)
{
    // The generated code with the bugs users write, each switched on by an environment variable so one build serves all.
    private static void Break(string folder)
    {
        Patch(Path.Combine(folder, "BrokenModule.cs"), "        RegisterComponents();",
            "        if (Environment.GetEnvironmentVariable(\"BROKEN_NO_REGISTER\") is null) RegisterComponents();");
        Patch(Path.Combine(folder, "BrokenModule.cs"), "        var loss = Loss(Forward(batch.Input), batch.Target);",
            "        if (batchIndex == 3 && Environment.GetEnvironmentVariable(\"BROKEN_STEP\") is not null) " +
            "throw new InvalidOperationException(\"my bug at batch 3\");\n" +
            "        var loss = Loss(Forward(batch.Input), batch.Target);");
        Patch(Path.Combine(folder, "BrokenDataModule.cs"), "        var rows = CsvTable.Read(options.Path);",
            "        if (Environment.GetEnvironmentVariable(\"BROKEN_SETUP\") is not null) " +
            "throw new KeyNotFoundException(\"column 'label' is not in the header\");\n" +
            "        var rows = CsvTable.Read(options.Path);");
        Patch(Path.Combine(folder, "BrokenDataModule.cs"),
            "    public override IBatchLoader<TensorBatch> PredictLoader() => Loader(_test, shuffle: false);", "");
    }

    private static void Patch(string file, string from, string to)
    {
        var text = File.ReadAllText(file);
        Assert.Contains(from, text);
        File.WriteAllText(file, text.Replace(from, to, StringComparison.Ordinal));
    }

    private TrainedProject Project => TrainedProject.Get(workspace, "Broken", Break);

    [Fact]
    public void AModuleThatForgotRegisterComponents_FailsBeforeTraining()
    {
        var result = Project.Exec(["fit"], new Dictionary<string, string> { ["BROKEN_NO_REGISTER"] = "1" });
        Assert.True(result.ExitCode == ExitCodes.Failed, result.Output);
        Assert.Contains("BrokenModule has no trainable parameters", result.Output);
        Assert.Contains("Call RegisterComponents()", result.Output);
        Assert.DoesNotContain("Epoch 1/", result.Output);
        BadInputTests.AssertNoStackTrace(result.Output);
        Project.AssertNothingLost();
    }

    [Fact]
    public void AnExceptionInTrainingStep_IsOneLine_TheTraceGoesToTheRunFolder_AndTheRunIsFailed()
    {
        var result = Project.Exec(["fit"], new Dictionary<string, string> { ["BROKEN_STEP"] = "1" });
        Assert.True(result.ExitCode == ExitCodes.Failed, result.Output);
        Assert.Contains("BrokenModule.TrainingStep (fit): my bug at batch 3", result.Output);
        BadInputTests.AssertNoStackTrace(result.Output);

        var failed = Assert.Single(FileStoreReader.Runs(Path.Combine(Project.Folder, "mlruns")),
            r => r.Status == "FAILED" && r.Tags.GetValueOrDefault("mlflow.note.content", "").Contains("my bug at batch 3"));
        var log = Assert.Single(Directory.GetFiles(failed.Folder, "error-*.log", SearchOption.AllDirectories));
        Assert.Contains($"The full trace is in {log}; add --verbose to print it.", result.Output);
        Assert.Contains("at Broken.BrokenModule.TrainingStep", File.ReadAllText(log));

        var verbose = Project.Exec(["fit", "--verbose"], new Dictionary<string, string> { ["BROKEN_STEP"] = "1" });
        Assert.Equal(ExitCodes.Failed, verbose.ExitCode);
        Assert.Contains("   at Broken.BrokenModule.TrainingStep", verbose.Output);
        Project.AssertNothingLost();
    }

    [Fact]
    public void AnExceptionInSetup_NamesTheDataModuleMethodAndCommand()
    {
        var result = Project.Exec(["validate", "--ckpt-path", "last"], new Dictionary<string, string> { ["BROKEN_SETUP"] = "1" });
        Assert.True(result.ExitCode == ExitCodes.Failed, result.Output);
        Assert.Contains("BrokenDataModule.Setup (validate): column 'label' is not in the header", result.Output);
        BadInputTests.AssertNoStackTrace(result.Output);
        // No run was started (Setup comes first): the trace goes to the project's .lightning/logs.
        Assert.Contains(Directory.GetFiles(Path.Combine(Project.Folder, ".lightning", "logs"), "error-*.log"),
            log => File.ReadAllText(log).Contains("at Broken.BrokenDataModule.Setup", StringComparison.Ordinal));
    }

    [Fact]
    public void PredictWithoutAPredictLoader_SaysWhatToOverride()
    {
        var result = Project.Exec(["predict", "--ckpt-path", "last"]);
        Assert.True(result.ExitCode == ExitCodes.Failed, result.Output);
        Assert.Contains("BrokenDataModule has no predict loader: override PredictLoader() to predict.", result.Output);
        BadInputTests.AssertNoStackTrace(result.Output);
    }
}
