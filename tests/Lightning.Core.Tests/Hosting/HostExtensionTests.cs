using Lightning.Hosting;
using Lightning.Core.Training;

namespace Lightning.Core.Tests.Hosting;

/// <summary>Sweep-trial and cluster behaviour come from host extensions, each deciding for itself whether it applies.</summary>
public sealed class HostExtensionTests
{
    private static readonly FitResult Interrupted = new(RunOutcome.Interrupted, 2, 20, new Dictionary<string, double>());

    private static AppHostContext Context(string? eventsPath) => new(eventsPath, CancellationToken.None, TextWriter.Null, TimeProvider.System);

    private static SweepTrialExtension Trial(Dictionary<string, string> environment) => new(name => environment.GetValueOrDefault(name));

    [Fact]
    public void OutsideASweep_TheTrialExtensionAddsNothing_AndAnInterruptionStaysOne()
    {
        var extension = Trial([]);
        Assert.Empty(extension.CreateCallbacks(Context("events.jsonl")));
        Assert.Equal(RunOutcome.Interrupted, extension.MapResult(Interrupted).Outcome);
    }

    [Fact]
    public void InASweepTrial_TheGateComesFirst_ThenThePrunedTag_AndAStopIsAPruning()
    {
        var extension = Trial(new() { [SweepTrialContract.TrialVariable] = "4", [SweepTrialContract.DecisionEpochsVariable] = "1,3" });
        var callbacks = extension.CreateCallbacks(Context("events.jsonl")).ToList();
        Assert.Collection(callbacks, c => Assert.IsType<DecisionGateCallback>(c), c => Assert.IsType<PrunedTagCallback>(c));
        var mapped = extension.MapResult(Interrupted);
        Assert.Equal((RunOutcome.Stopped, "Stopped by the sweep's pruner."), (mapped.Outcome, mapped.Message));
    }

    [Fact]
    public void InASweepTrial_WithoutDecisionEpochsOrEventsFile_NothingWaits()
    {
        Assert.IsType<PrunedTagCallback>(
            Assert.Single(Trial(new() { [SweepTrialContract.TrialVariable] = "0" }).CreateCallbacks(Context("events.jsonl"))));
        var noEvents = Trial(new() { [SweepTrialContract.TrialVariable] = "0", [SweepTrialContract.DecisionEpochsVariable] = "2" });
        Assert.IsType<PrunedTagCallback>(Assert.Single(noEvents.CreateCallbacks(Context(null))));
    }

    [Fact]
    public void TheClusterExtension_AddsTheRequeueCallback_AndLeavesOutcomesAlone()
    {
        IAppHostExtension extension = new ClusterRequeueExtension();
        Assert.IsType<RequeueCallback>(Assert.Single(extension.CreateCallbacks(Context(null))));
        Assert.Same(Interrupted, extension.MapResult(Interrupted));
    }

    [Fact]
    public void TheHost_RegistersBothByDefault()
    {
        Assert.Collection(new AppHostOptions().Extensions,
            e => Assert.IsType<SweepTrialExtension>(e), e => Assert.IsType<ClusterRequeueExtension>(e));
    }
}
