namespace Lightning.Cli.Commands;

/// <summary>What <c>dotnet lightning sweep</c> was asked to do, as parsed from its command line.</summary>
/// <param name="Project">The project (.csproj or its folder), or null for the one in the current folder.</param>
/// <param name="Config">The sweep file, or null for the project's sweep.yaml.</param>
/// <param name="Trials">Trials in all, or null for run_cap or the grid's size.</param>
/// <param name="Parallel">Trials at once.</param>
/// <param name="Executor">local or slurm.</param>
/// <param name="Resume">The sweep to continue, or null to start one.</param>
/// <param name="SlurmArguments">Extra sbatch arguments, or null.</param>
/// <param name="Register">The registered model the best trial's logged model becomes a version of, or null.</param>
internal sealed record SweepArguments(
    string? Project, string? Config, int? Trials, int Parallel, string Executor, string? Resume, string? SlurmArguments,
    string? Register = null);
