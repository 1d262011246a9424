using Lightning.Core.Training;

namespace Lightning.Core.Callbacks;

/// <summary>
/// Adds the callbacks a trainer has unless told otherwise, and orders them: checkpoint callbacks run last, so they save
/// what the others recorded.
/// </summary>
internal static class DefaultCallbacks
{
    public static List<Callback> Arrange(IEnumerable<Callback> given, TrainerOptions options, TextWriter output)
    {
        var callbacks = given.Where(c => !options.FastDevRun.IsEnabled || c is not (ModelCheckpoint or EarlyStopping)).ToList();
        if (!callbacks.OfType<NonFiniteLossGuard>().Any()) callbacks.Add(new NonFiniteLossGuard());
        if (options.EnableProgressBar && !callbacks.OfType<ProgressBar>().Any())
            callbacks.Add(new ProgressBar(output,
                ProgressModeSetting.Choose(outputIsTerminal: false, Environment.GetEnvironmentVariable(ProgressModeSetting.Variable))));
        if (options.EnableModelSummary && !callbacks.OfType<ModelSummary>().Any()) callbacks.Add(new ModelSummary(output));
        if (options.MaxTime is { } limit && !callbacks.OfType<TrainingTimer>().Any()) callbacks.Add(new TrainingTimer(limit));
        if (options.EnableCheckpointing && !options.FastDevRun.IsEnabled && !callbacks.OfType<ModelCheckpoint>().Any())
            callbacks.Add(new ModelCheckpoint());
        return [.. callbacks.Where(c => c is not ModelCheckpoint), .. callbacks.OfType<ModelCheckpoint>()];
    }
}
