using Lightning.Core.Training;

namespace Lightning.Core.Callbacks;

/// <summary>
/// Adds the callbacks a trainer has unless told otherwise, and orders them: checkpoint callbacks run last, so they save what the others recorded.
/// </summary>
internal static class DefaultCallbacks
{
    /// <param name="given">The callbacks the user passed.</param>
    /// <param name="options">The trainer's options.</param>
    /// <param name="output">Where progress and summaries go.</param>
    /// <param name="globalZero">False on data-parallel ranks other than 0, which show no progress and no summary.</param>
    public static List<Callback> Arrange(IEnumerable<Callback> given, TrainerOptions options, TextWriter output, bool globalZero = true)
    {
        var callbacks = given
            .Where(c => !options.FastDevRun.IsEnabled || c is not (ModelCheckpoint or EarlyStopping))
            .Where(c => globalZero || c is not (ProgressBar or ModelSummary))
            .ToList();
        if (!callbacks.OfType<NonFiniteLossGuard>().Any()) callbacks.Add(new NonFiniteLossGuard());
        if (globalZero && options.EnableProgressBar && !callbacks.OfType<ProgressBar>().Any())
            callbacks.Add(new ProgressBar(output,
                ProgressModeSetting.Choose(outputIsTerminal: false, Environment.GetEnvironmentVariable(ProgressModeSetting.Variable))));
        if (globalZero && options.EnableModelSummary && !callbacks.OfType<ModelSummary>().Any())
            callbacks.Add(new ModelSummary(output));
        if (options.MaxTime is { } limit && !callbacks.OfType<TrainingTimer>().Any()) callbacks.Add(new TrainingTimer(limit));
        if (options.EnableCheckpointing && !options.FastDevRun.IsEnabled && !callbacks.OfType<ModelCheckpoint>().Any())
            callbacks.Add(new ModelCheckpoint());
        return [.. callbacks.Where(c => c is not ModelCheckpoint), .. callbacks.OfType<ModelCheckpoint>()];
    }
}
