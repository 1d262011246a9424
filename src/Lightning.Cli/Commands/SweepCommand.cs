using System.CommandLine;

namespace Lightning.Cli.Commands;

/// <summary>sweep: tune the project with sweep.yaml; trials are processes of the built app, nested under one parent run.</summary>
internal static class SweepCommand
{
    /// <summary>The executor that runs trials as local processes.</summary>
    public const string Local = "local";

    /// <summary>The executor that runs trials as Slurm jobs.</summary>
    public const string Slurm = "slurm";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var project = new Option<string?>("--project")
        {
            Description = "The project (.csproj or its folder); default: the one in the current folder."
        };
        var config = new Option<string?>("--config") { Description = "The sweep file (default: the project's sweep.yaml)." };
        var trials = new Option<int?>("--trials") { Description = "Trials in all (default: run_cap, or the grid's size)." };
        var parallel = new Option<int>("--parallel") { Description = "Trials at once (default 1).", DefaultValueFactory = _ => 1 };
        var executor = new Option<string>("--executor") { Description = "local (default) or slurm.", DefaultValueFactory = _ => Local };
        executor.AcceptOnlyFromAmong(Local, Slurm);
        var resume = new Option<string?>("--resume") { Description = "Continue the sweep with this id after its controller died." };
        var slurmArgs = new Option<string?>("--slurm-args")
        {
            Description = "Extra sbatch arguments for --executor slurm, e.g. \"--partition=gpu --time=01:00:00\"."
        };
        var register = new Option<string?>("--register")
        {
            Description = "Register the best trial's logged model as the next version of this model in the Model Registry."
        };
        var command = new Command("sweep", "Tune hyperparameters with sweep.yaml: grid, random or tpe, with asha or median pruning.")
        {
            project, config, trials, parallel, executor, resume, slurmArgs, register,
        };
        command.SetAction((result, cancel) => Task.FromResult(new SweepHandler(output, error).Run(new SweepArguments(
            result.GetValue(project), result.GetValue(config), result.GetValue(trials), result.GetValue(parallel), result.GetValue(executor)!,
            result.GetValue(resume), result.GetValue(slurmArgs), result.GetValue(register)), cancel)));
        return command;
    }
}
