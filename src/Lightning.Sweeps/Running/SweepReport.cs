using System.Globalization;
using Lightning.Sweeps.Samplers;
using Lightning.Sweeps.Spaces;

namespace Lightning.Sweeps.Running;

/// <summary>The end of a sweep for people: the trials table, the best trial as a lightning.yaml fragment, and the command to train it.</summary>
public static class SweepReport
{
    /// <summary>Writes the report of <paramref name="result"/> for the trials in the sweep's state.</summary>
    public static void Write(TextWriter output, SweepResult result, string projectFolder, string metric)
    {
        var state = State.SweepState.Load(projectFolder, result.Id);
        output.WriteLine();
        output.WriteLine($"{"trial",5}  {"state",-8}  {metric,12}  params");
        foreach (var trial in state.Trials.OrderBy(t => t.Number))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{trial.Number,5}  {trial.State.ToString().ToLowerInvariant(),-8}  " +
                $"{(trial.Value is { } v ? v.ToString("G5", CultureInfo.InvariantCulture) : "-"),12}  " +
                $"{string.Join(" ", trial.Params.Select(p => $"{p.Key}={Parameter.Format(p.Value)}"))}"));
        output.WriteLine($"{result.Finished} finished, {result.Pruned} pruned, {result.Failed} failed."
            + (result.StopMessage is { } why ? $" Stopped early: {why}." : ""));
        if (result.BestTrial is null) return;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Best: trial {result.BestTrial} with {metric}={result.BestValue:G6}. As a lightning.yaml fragment:"));
        foreach (var section in result.BestParams.GroupBy(p => p.Key.Split('.')[0]))
        {
            output.WriteLine($"{section.Key}:");
            foreach (var (key, value) in section) output.WriteLine($"  {key[(section.Key.Length + 1)..]}: {Parameter.Format(value)}");
        }
        output.WriteLine("Train it: dotnet lightning fit "
            + string.Join(" ", result.BestParams.Select(p => $"--{p.Key}={Parameter.Format(p.Value)}")));
    }
}
