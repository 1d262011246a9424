using Lightning.Hosting;
using Lightning.Sweeps.Executors;

namespace Lightning.Sweeps.Tests;

/// <summary>A test-app trial that would train for a long time (1000 epochs of 20 ms steps): something for an executor to stop.</summary>
internal static class LongTrial
{
    /// <summary>Trial <paramref name="number"/> laid out as the controller lays it out: <c>sweepFolder/trial-N/</c>.</summary>
    public static TrialLaunch In(string sweepFolder, int number)
    {
        var folder = Path.Combine(sweepFolder, $"trial-{number}");
        Directory.CreateDirectory(folder);
        var events = Path.Combine(folder, "events-1.jsonl");
        return new TrialLaunch(number, ["fit", "--events", events, "--trainer.max_epochs=1000", "--model.step_delay_ms=20", "--trainer.threads=1"],
            events, Path.Combine(folder, "output.log"), [0], TrialRanks.One);
    }

    /// <summary>Waits until the trial has reported its first epoch; fails with its output when it does not.</summary>
    public static void WaitForFirstEpoch(TrialLaunch launch)
    {
        var reported = SpinWait.SpinUntil(() => File.Exists(launch.EventsPath) && EventsReader.ReadAll(launch.EventsPath).OfType<EpochEnded>().Any(),
            TimeSpan.FromMinutes(2));
        Assert.True(reported,
            $"trial {launch.Number} never reported an epoch: {(File.Exists(launch.LogPath) ? File.ReadAllText(launch.LogPath) : "no output")}");
    }
}
