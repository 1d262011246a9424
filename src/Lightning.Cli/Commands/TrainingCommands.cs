using System.CommandLine;
using Lightning.Core.Configuration;

namespace Lightning.Cli.Commands;

/// <summary>fit, validate, test, predict: build the project if needed, then run its app with the same subcommand.</summary>
internal static class TrainingCommands
{
    private static readonly string[] Known = ["--project", "--config", "--ckpt-path", "--events", "--predictions", "--model", "--verbose", "--help"];

    public static IEnumerable<Command> Create(TextWriter output, TextWriter error)
    {
        foreach (var (name, description) in new[]
                 {
                     ("fit", "Train the project's model (resume with --ckpt-path last|best|FILE)."),
                     ("validate", "Run the validation data once with a checkpoint's weights."),
                     ("test", "Run the test data once with a checkpoint's weights."),
                     ("predict", "Predict with a checkpoint's weights and save the predictions."),
                 })
        {
            var project = new Option<string?>("--project")
            {
                Description = "The project (.csproj or its folder); default: the one in the current folder."
            };
            var config = new Option<string?>("--config") { Description = "YAML configuration (default: the project's lightning.yaml)." };
            var checkpoint = new Option<string?>("--ckpt-path") { Description = "last, best, or a .ckpt file." };
            var events = new Option<string?>("--events") { Description = "Append one JSON event per line to this file." };
            var verbose = new Option<bool>("--verbose")
            {
                Description = "On a failure, also print the full stack trace (it always goes to the run's error log)."
            };
            var command = new Command(name, description + " Other arguments are configuration overrides such as --trainer.max_epochs=3.")
            {
                TreatUnmatchedTokensAsErrors = false,
            };
            command.Options.Add(project);
            command.Options.Add(config);
            command.Options.Add(checkpoint);
            command.Options.Add(events);
            command.Options.Add(verbose);
            var model = new Option<string?>("--model")
            {
                Description = "predict: a logged model's weights and options (models:/NAME@alias, models:/NAME/VERSION, runs:/ID/model, a folder)."
            };
            if (name == "predict") command.Options.Add(model);
            command.SetAction(result =>
            {
                var overrides = result.UnmatchedTokens.ToList();
                // Overrides have a section (--trainer.max_epochs); anything else is a mistyped option.
                if (overrides.FirstOrDefault(t => t.StartsWith("--", StringComparison.Ordinal) && !t.Split('=')[0].Contains('.')) is { } unknown)
                {
                    var suggestion = KeyNames.Suggest(unknown.Split('=')[0], Known);
                    throw new CliException($"Unknown option '{unknown.Split('=')[0]}'."
                        + (suggestion is null ? $" Options: {string.Join(", ", Known)}." : $" Did you mean '{suggestion}'?"));
                }
                var app = new ProjectApp(ProjectLocator.Find(result.GetValue(project), Environment.CurrentDirectory));
                var path = app.Build(error);
                var arguments = new List<string> { name };
                if (result.GetValue(config) is { } file) arguments.AddRange(["--config", Path.GetFullPath(file)]);
                if (result.GetValue(checkpoint) is { } ckpt)
                    arguments.AddRange(["--ckpt-path", ckpt is "last" or "best" ? ckpt : Path.GetFullPath(ckpt)]);
                if (result.GetValue(events) is { } eventsFile) arguments.AddRange(["--events", Path.GetFullPath(eventsFile)]);
                if (result.GetValue(verbose)) arguments.Add("--verbose");
                if (result.GetValue(model) is { } uri) arguments.AddRange(["--model", Directory.Exists(uri) ? Path.GetFullPath(uri) : uri]);
                arguments.AddRange(overrides);
                return app.Run(path, arguments);
            });
            yield return command;
        }
    }
}
