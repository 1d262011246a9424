using Lightning.Sweeps.Samplers;

namespace Lightning.Sweeps.State;

/// <summary>A trial as the sweep's state file keeps it.</summary>
internal sealed class TrialRecord
{
    public int Number { get; set; }
    public Dictionary<string, object> Params { get; set; } = [];
    public TrialState State { get; set; }
    public Dictionary<int, double> Curve { get; set; } = [];
    public double? Value { get; set; }
    public int? ExitCode { get; set; }
    public string? Error { get; set; }
    public string? RunId { get; set; }
    public int Attempts { get; set; }

    /// <summary>The running attempt's process id or Slurm job, so a resumed controller can stop what a dead one left.</summary>
    public string? Handle { get; set; }

    /// <summary>The view samplers and pruners take.</summary>
    public Trial ToTrial() => new(Number, Params, State, Curve);
}
