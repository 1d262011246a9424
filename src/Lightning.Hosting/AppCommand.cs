namespace Lightning.Hosting;

/// <summary>The subcommands of a Lightning app.</summary>
public enum AppCommand
{
    /// <summary>Train.</summary>
    Fit,
    /// <summary>Run the validation loader.</summary>
    Validate,
    /// <summary>Run the test loader.</summary>
    Test,
    /// <summary>Run the predict loader and save predictions.</summary>
    Predict,
    /// <summary>Print the resolved configuration.</summary>
    PrintConfig,
    /// <summary>Check that torch loads here: native library, libtorch, CUDA.</summary>
    Doctor,
    /// <summary>Search for training settings before a fit: <c>tune lr</c> runs the LR finder.</summary>
    Tune,
}
