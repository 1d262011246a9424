using System.CommandLine;
using Lightning.Cli;
using Lightning.Cli.Commands;
using Lightning.Core.Configuration;
using Lightning.Hosting;

var output = Console.Out;
var error = Console.Error;
var root = new RootCommand("dotnet lightning: train and evaluate Lightning for .NET projects, browse and push their runs, check the setup.");
foreach (var command in TrainingCommands.Create(output, error)) root.Subcommands.Add(command);
root.Subcommands.Add(RunsCommand.Create(output));
root.Subcommands.Add(ModelsCommand.Create(output));
root.Subcommands.Add(UiCommand.Create(output));
root.Subcommands.Add(DoctorCommand.Create(output));
root.Subcommands.Add(SweepCommand.Create(output, error));
root.Subcommands.Add(TuneCommand.Create(error));

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    foreach (var problem in parsed.Errors) error.WriteLine(problem.Message);
    error.WriteLine("Run 'dotnet lightning --help' for the commands and options.");
    return ExitCodes.Usage;
}
try
{
    return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
}
catch (Exception failure) when (failure is CliException or LightningConfigException)
{
    error.WriteLine(failure.Message);
    return failure is CliException cli ? cli.ExitCode : ExitCodes.Usage;
}
catch (BuildFailedException failure)
{
    error.WriteLine(failure.Message);
    return ExitCodes.Failed;
}
