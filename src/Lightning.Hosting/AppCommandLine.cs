using System.CommandLine;

namespace Lightning.Hosting;

/// <summary>The app's command line: subcommands with help, fixed options, and configuration overrides passed through.</summary>
internal static class AppCommandLine
{
    public static readonly string[] KnownOptions =
    [
        "--config", "--ckpt-path", "--events", "--predictions", "--model", "--verbose", "--help",
        .. LrFindCommandLine.Options,
    ];

    /// <summary>Builds the command tree; <paramref name="run"/> receives a parsed invocation and returns the exit code.</summary>
    public static RootCommand Build(string appName, Func<AppInvocation, int> run)
    {
        var root = new RootCommand($"{appName}: a Lightning for .NET app. Configuration layers, later wins: " +
            "option defaults < lightning.yaml < LIGHTNING__SECTION__KEY variables < --section.key=value.");
        root.Subcommands.Add(Create(AppCommand.Fit, "Train the model (resume with --ckpt-path last|best|FILE).", run));
        root.Subcommands.Add(Create(AppCommand.Validate, "Run the validation loader once (weights from --ckpt-path).", run));
        root.Subcommands.Add(Create(AppCommand.Test, "Run the test loader once (weights from --ckpt-path).", run));
        root.Subcommands.Add(Create(AppCommand.Predict, "Run the predict loader and save the predictions as safetensors.", run));
        root.Subcommands.Add(Create(AppCommand.PrintConfig, "Print the resolved configuration as YAML and exit.", run));
        root.Subcommands.Add(Create(AppCommand.Doctor, "Check that torch loads here: native library (and the libstdc++ fix), libtorch, CUDA.", run));
        root.Subcommands.Add(LrFindCommandLine.CreateTune(run));
        return root;
    }

    /// <summary>The subcommand's name as typed, and as runs, tags and messages say it.</summary>
    public static string NameOf(AppCommand command) => command switch
    {
        AppCommand.Fit => "fit",
        AppCommand.Validate => "validate",
        AppCommand.Test => "test",
        AppCommand.Predict => "predict",
        AppCommand.PrintConfig => "print-config",
        AppCommand.Tune => "tune",
        _ => "doctor",
    };

    private static Command Create(AppCommand kind, string description, Func<AppInvocation, int> run)
    {
        var name = NameOf(kind);
        var config = new Option<string?>("--config") { Description = "YAML configuration file (default: ./lightning.yaml when present)." };
        var checkpoint = new Option<string?>("--ckpt-path") { Description = "Checkpoint to resume or load: last, best, or a .ckpt file." };
        var events = new Option<string?>("--events")
        {
            Description = $"Append one JSON event per line to this file " +
                $"({RunStarted.EventName}, {EpochEnded.EventName}, {CheckpointSaved.EventName}, {RunFinished.EventName})."
        };
        var predictions = new Option<string?>("--predictions")
        {
            Description = "predict: output file (default: predictions.safetensors in trainer.default_root_dir)."
        };
        var model = new Option<string?>("--model")
        {
            Description = "predict: the weights and model options of a logged model " +
                "(models:/NAME@alias, models:/NAME/VERSION, runs:/ID/model, a folder)."
        };
        var verbose = new Option<bool>("--verbose")
        {
            Description = "On a failure, also print the full stack trace (it always goes to the run's error log)."
        };
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.Options.Add(config);
        command.Options.Add(verbose);
        if (kind is not (AppCommand.PrintConfig or AppCommand.Doctor))
        {
            command.Options.Add(checkpoint);
            command.Options.Add(events);
        }
        if (kind == AppCommand.Predict)
        {
            command.Options.Add(predictions);
            command.Options.Add(model);
        }
        command.SetAction(result => run(new AppInvocation(kind, result.GetValue(config), result.GetValue(checkpoint), result.GetValue(events),
            result.GetValue(predictions), result.UnmatchedTokens.ToList())
        {
            Verbose = result.GetValue(verbose), ModelUri = result.GetValue(model),
        }));
        return command;
    }
}
