using Lightning.Core.Tracking;

namespace Lightning.Core.Training;

/// <summary>
/// How a trainer's last fit left its tracker run: a test or validation after it on the same trainer reopens that run
/// and logs at its final epoch and step, as Lightning's loggers do.
/// </summary>
/// <param name="Epoch">Epochs completed (Lightning's <c>current_epoch</c> after fit).</param>
/// <param name="GlobalStep">Optimizer steps taken.</param>
/// <param name="Status">How the fit ended the run.</param>
/// <param name="Message">Why it failed, when it did.</param>
internal sealed record FittedRun(int Epoch, long GlobalStep, RunStatus Status, string? Message)
{
    /// <summary>
    /// The status the reopened run ends with: the worse of the fit's and the evaluation's, so a test after a failed or
    /// interrupted fit never turns that run FINISHED.
    /// </summary>
    public (RunStatus Status, string? Message) EndAfter(RunStatus evaluation, string? message) =>
        Severity(evaluation) > Severity(Status) ? (evaluation, message) : (Status, Message);

    private static int Severity(RunStatus status) => status switch
    {
        RunStatus.Failed => 2,
        RunStatus.Killed => 1,
        _ => 0,
    };
}
