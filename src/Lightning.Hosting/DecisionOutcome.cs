namespace Lightning.Hosting;

/// <summary>What a trial's <see cref="DecisionGate"/> learnt at a decision epoch.</summary>
internal enum DecisionOutcome
{
    /// <summary>The controller said continue.</summary>
    Continue,

    /// <summary>The controller said stop, or a stop signal arrived.</summary>
    Stop,

    /// <summary>No answer within the timeout: the trial trains on.</summary>
    TimedOut,
}
