using Lightning.Hosting;
using Lightning.Sweeps.Executors;

namespace Lightning.Sweeps.Tests;

/// <summary>
/// Trials without processes: each writes the events a real trial writes (one epoch_end per poll) from a scripted
/// curve, and exits finished at the end, stopped when stopped, or with a scripted failure (whose output ends in a stack trace, as an
/// unhandled exception's does).
/// </summary>
/// <param name="queues">Acts as a batch scheduler that queues and throttles trials itself (as Slurm does).</param>
/// <param name="validateEvery">Validation (val_loss) only every this many epochs, as check_val_every_n_epoch does.</param>
public sealed class FakeExecutor(
    Func<TrialLaunch, double[]> curve, Func<TrialLaunch, int?>? failWith = null, bool queues = false, int validateEvery = 1) : ITrialExecutor
{
    public List<TrialLaunch> Launched { get; } = [];
    public int MaxConcurrent { get; private set; }

    /// <summary>The most slots held at once by the trials running together.</summary>
    public int MaxSlotsHeld { get; private set; }

    private readonly HashSet<int> _held = [];

    /// <summary>Each StartMany call: the trial numbers and the parallel limit it was given.</summary>
    public List<(int[] Numbers, int Parallel)> Batches { get; } = [];

    public List<string> Abandoned { get; } = [];
    private int _running;

    public bool QueuesTrials => queues;

    public ITrialProcess Start(TrialLaunch launch)
    {
        Launched.Add(launch);
        _running++;
        MaxConcurrent = Math.Max(MaxConcurrent, _running);
        // A local executor's slots are each one trial's at a time; a queueing one's beyond the limit share the ring.
        if (!queues && launch.Slots.Any(_held.Contains))
            throw new InvalidOperationException($"trial {launch.Number} got slots {string.Join(",", launch.Slots)}, some held already");
        _held.UnionWith(launch.Slots);
        MaxSlotsHeld = Math.Max(MaxSlotsHeld, _held.Count);
        return new FakeTrial(launch, curve(launch), failWith?.Invoke(launch), () =>
        {
            _running--;
            _held.ExceptWith(launch.Slots);
        }, validateEvery);
    }

    public IReadOnlyList<ITrialProcess> StartMany(IReadOnlyList<TrialLaunch> launches, int parallel)
    {
        Batches.Add(([.. launches.Select(l => l.Number)], parallel));
        return [.. launches.Select(Start)];
    }

    public void Abandon(string handle) => Abandoned.Add(handle);

    /// <summary>What a crashing trial writes: progress, the exception's message, its stack.</summary>
    public const string CrashOutput = """
        Epoch 1/4: train_loss=0.9
        Unhandled exception. System.InvalidOperationException: boom: the trial crashed
           at Lightning.TestApp.TinyModule.TrainingStep(Batch batch) in /src/TinyModule.cs:line 37
           at Lightning.Core.Training.FitLoop.Run(CancellationToken stop)
        --- End of stack trace from previous location ---
           at Program.<Main>$(String[] args)

        """;

    private sealed class FakeTrial(TrialLaunch launch, double[] curve, int? failure, Action exited, int validateEvery) : ITrialProcess
    {
        public string Handle => $"fake {launch.EventsPath}";

        private int _epoch;
        private bool _stopped;
        private int? _exit;

        public bool HasExited
        {
            get
            {
                if (_exit is not null) return true;
                if (failure is { } code)
                {
                    File.AppendAllText(launch.LogPath, CrashOutput);
                    return Exit(code);
                }
                if (_stopped) return Exit(ExitCodes.Stopped);
                if (WaitingForDecision()) return false;
                if (_epoch == curve.Length) return Exit(ExitCodes.Finished);
                var metrics = new Dictionary<string, double> { ["train_loss"] = curve[_epoch] + 0.1 };
                var validated = _epoch + 1 >= validateEvery;
                if ((_epoch + 1) % validateEvery == 0) metrics["val_loss"] = curve[_epoch];
                else if (validated) metrics["val_loss"] = curve[_epoch - (_epoch + 1) % validateEvery];
                File.AppendAllText(launch.EventsPath,
                    EventsFile.ToJson(new EpochEnded(_epoch, _epoch + 1, metrics, validated)).ToJsonString() + "\n");
                _epoch++;
                return false;
            }
        }

        /// <summary>As the app's gate does: after a decision epoch's event, no further epoch until the controller answers.</summary>
        private bool WaitingForDecision()
        {
            var epochs = launch.Environment?.GetValueOrDefault(SweepTrialContract.DecisionEpochsVariable) ?? "";
            var waiting = _epoch > 0 && epochs.Split(',').Contains(_epoch.ToString(System.Globalization.CultureInfo.InvariantCulture))
                && !File.Exists(SweepTrialContract.DecisionPath(launch.EventsPath, _epoch));
            // The controller answers in the poll that reads the event; a missing answer must fail the test, not hang it.
            _waitedPolls = waiting ? _waitedPolls + 1 : 0;
            if (_waitedPolls > 1000) throw new InvalidOperationException($"trial {launch.Number} got no decision for epoch {_epoch}");
            return waiting;
        }

        private int _waitedPolls;

        public int ExitCode => _exit ?? throw new InvalidOperationException("still running");

        public void Stop() => _stopped = true;

        public void Dispose() { }

        private bool Exit(int code)
        {
            _exit = code;
            exited();
            return true;
        }
    }
}
