using System.CommandLine;

namespace Lightning.Cli.Commands;

/// <summary>sweep: reserved for hyperparameter sweeps, which this version does not run yet; it says so and exits 2.</summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter error)
    {
        var command = new Command("sweep", "Hyperparameter sweeps over sweep.yaml (not available in this version).") { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(_ =>
        {
            error.WriteLine("Sweeps are not available in this version of dotnet-lightning yet. Meanwhile, run trials with overrides, e.g. dotnet lightning fit --model.lr=0.001, and compare them with dotnet lightning runs list.");
            return 2;
        });
        return command;
    }
}
