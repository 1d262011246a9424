using System.CommandLine;
using Lightning.Core.Tuning;

namespace Lightning.Hosting;

/// <summary>The app's <c>tune lr</c> command line: the LR finder's options, with Lightning's defaults.</summary>
internal static class LrFindCommandLine
{
    /// <summary>The options <c>tune lr</c> takes besides --config and --verbose.</summary>
    public static readonly string[] Options =
        ["--min-lr", "--max-lr", "--num-training", "--mode", "--early-stop-threshold", "--no-early-stop", "--lr-key"];

    /// <summary>The <c>tune</c> command and its <c>lr</c> subcommand.</summary>
    public static Command CreateTune(Func<AppInvocation, int> run)
    {
        var defaults = new LrFindOptions();
        var minLr = new Option<double?>("--min-lr") { Description = $"Learning rate of the first step (default {defaults.MinLr:G})." };
        var maxLr = new Option<double?>("--max-lr") { Description = $"Learning rate of the last step (default {defaults.MaxLr:G})." };
        var steps = new Option<int?>("--num-training") { Description = $"Optimizer steps in the sweep (default {defaults.NumTraining})." };
        var mode = new Option<LrFindMode?>("--mode") { Description = "exponential (default) or linear." };
        var threshold = new Option<double?>("--early-stop-threshold")
        {
            Description = $"Stop when the smoothed loss exceeds this multiple of the best (default {defaults.EarlyStopThreshold:G})."
        };
        var noEarlyStop = new Option<bool>("--no-early-stop") { Description = "Take every step, however the loss grows." };
        var lrKey = new Option<string?>("--lr-key")
        {
            Description = "The configuration key of the learning rate, for the fit command printed (default: model.lr or model.learning_rate)."
        };
        var config = new Option<string?>("--config") { Description = "YAML configuration file (default: ./lightning.yaml when present)." };
        var verbose = new Option<bool>("--verbose") { Description = "On a failure, also print the full stack trace." };
        var lr = new Command("lr",
            "Find a learning rate: an exponential sweep on the real model and data (Lightning's Tuner.lr_find); prints the suggestion " +
            "and the fit command that uses it. Other arguments are configuration overrides such as --data.batch_size=64.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        foreach (var option in new Option[] { minLr, maxLr, steps, mode, threshold, noEarlyStop, lrKey, config, verbose }) lr.Options.Add(option);
        lr.SetAction(result =>
        {
            var options = new LrFindOptions
            {
                MinLr = result.GetValue(minLr) ?? defaults.MinLr,
                MaxLr = result.GetValue(maxLr) ?? defaults.MaxLr,
                NumTraining = result.GetValue(steps) ?? defaults.NumTraining,
                Mode = result.GetValue(mode) ?? defaults.Mode,
                EarlyStopThreshold = result.GetValue(noEarlyStop) ? null : result.GetValue(threshold) ?? defaults.EarlyStopThreshold,
            };
            return run(new AppInvocation(AppCommand.Tune, result.GetValue(config), null, null, null, result.UnmatchedTokens.ToList())
            {
                Verbose = result.GetValue(verbose),
                LrFind = new LrFindRequest(options, result.GetValue(lrKey)),
            });
        });
        var tune = new Command("tune", "Search for training settings before a fit: 'tune lr' finds a learning rate.");
        tune.Subcommands.Add(lr);
        return tune;
    }
}
