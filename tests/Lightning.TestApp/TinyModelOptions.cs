namespace Lightning.TestApp;

/// <summary>Section <c>model</c> of the test app.</summary>
public sealed record TinyModelOptions
{
    public int Hidden { get; init; } = 16;
    public double Lr { get; init; } = 0.05;
    public double Dropout { get; init; } = 0.1;
    /// <summary>Milliseconds each training step sleeps, so a test can signal or kill the process mid-epoch.</summary>
    public int StepDelayMs { get; init; }
    /// <summary>Milliseconds the fit's end takes, as a large checkpoint or a slow disk would on a loaded machine.</summary>
    public int EndDelayMs { get; init; }
    /// <summary>From this global step on, the loss is NaN (tests the non-finite guard); -1 never.</summary>
    public long NanFromStep { get; init; } = -1;
    /// <summary>The rank of a data-parallel job whose training step throws at <see cref="FailAtStep"/>; -1 none.</summary>
    public int FailOnRank { get; init; } = -1;
    /// <summary>The global step at which <see cref="FailOnRank"/> throws.</summary>
    public long FailAtStep { get; init; }
    /// <summary>Step the learning rate down by half every epoch.</summary>
    public bool StepLr { get; init; } = true;
}
