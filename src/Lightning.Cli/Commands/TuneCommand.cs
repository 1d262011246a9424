using System.CommandLine;

namespace Lightning.Cli.Commands;

/// <summary><c>tune lr</c>: build the project if needed, then run its app's LR finder with the same options.</summary>
internal static class TuneCommand
{
    public static Command Create(TextWriter error)
    {
        var project = new Option<string?>("--project")
        {
            Description = "The project (.csproj or its folder); default: the one in the current folder."
        };
        var config = new Option<string?>("--config") { Description = "YAML configuration (default: the project's lightning.yaml)." };
        var forwarded = new Option[]
        {
            new Option<double?>("--min-lr") { Description = "Learning rate of the first step (default 1e-8)." },
            new Option<double?>("--max-lr") { Description = "Learning rate of the last step (default 1)." },
            new Option<int?>("--num-training") { Description = "Optimizer steps in the sweep (default 100)." },
            new Option<string?>("--mode") { Description = "exponential (default) or linear." },
            new Option<double?>("--early-stop-threshold")
            {
                Description = "Stop when the smoothed loss exceeds this multiple of the best (default 4)."
            },
            new Option<bool>("--no-early-stop") { Description = "Take every step, however the loss grows." },
            new Option<string?>("--lr-key")
            {
                Description = "The configuration key of the learning rate (default: model.lr or model.learning_rate)."
            },
            new Option<bool>("--verbose") { Description = "On a failure, also print the full stack trace." },
        };
        var lr = new Command("lr", "Find a learning rate with the LR finder (Lightning's Tuner.lr_find) and print the fit command that uses it. " +
            "Other arguments are configuration overrides such as --data.batch_size=64.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        lr.Options.Add(project);
        lr.Options.Add(config);
        foreach (var option in forwarded) lr.Options.Add(option);
        lr.SetAction(result =>
        {
            var app = new ProjectApp(ProjectLocator.Find(result.GetValue(project), Environment.CurrentDirectory));
            var path = app.Build(error);
            var arguments = new List<string> { "tune", "lr" };
            if (result.GetValue(config) is { } file) arguments.AddRange(["--config", Path.GetFullPath(file)]);
            // The app parses these itself: what was typed is passed on as typed.
            foreach (var option in forwarded)
            {
                if (result.GetResult(option) is not { Implicit: false } given) continue;
                arguments.Add(option.Name);
                arguments.AddRange(given.Tokens.Select(t => t.Value));
            }
            arguments.AddRange(result.UnmatchedTokens);
            return app.Run(path, arguments);
        });
        var tune = new Command("tune", "Search for training settings before a fit: 'tune lr' finds a learning rate.");
        tune.Subcommands.Add(lr);
        return tune;
    }
}
