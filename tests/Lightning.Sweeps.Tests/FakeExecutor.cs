using System.Text.Json.Nodes;
using Lightning.Sweeps.Executors;

namespace Lightning.Sweeps.Tests;

/// <summary>
/// Trials without processes: each writes the events a real trial writes (one epoch_end per poll) from a scripted
/// curve, and exits 0 at the end, 3 when stopped, or with a scripted failure.
/// </summary>
public sealed class FakeExecutor(Func<TrialLaunch, double[]> curve, Func<TrialLaunch, int?>? failWith = null) : ITrialExecutor
{
    public List<TrialLaunch> Launched { get; } = [];
    public int MaxConcurrent { get; private set; }
    private int _running;

    public ITrialProcess Start(TrialLaunch launch)
    {
        Launched.Add(launch);
        _running++;
        MaxConcurrent = Math.Max(MaxConcurrent, _running);
        return new FakeTrial(launch, curve(launch), failWith?.Invoke(launch), () => _running--);
    }

    private sealed class FakeTrial(TrialLaunch launch, double[] curve, int? failure, Action exited) : ITrialProcess
    {
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
                    File.AppendAllText(launch.LogPath, "boom: the trial crashed\n");
                    return Exit(code);
                }
                if (_stopped) return Exit(3);
                if (_epoch == curve.Length) return Exit(0);
                File.AppendAllText(launch.EventsPath, new JsonObject
                {
                    ["event"] = "epoch_end", ["epoch"] = _epoch, ["step"] = _epoch + 1, ["metrics"] = new JsonObject { ["val_loss"] = curve[_epoch] },
                }.ToJsonString() + "\n");
                _epoch++;
                return false;
            }
        }

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
