using System.Collections.ObjectModel;

namespace Lightning.Core.Logging;

/// <summary>
/// One read of a <see cref="MetricLog"/>. As a dictionary it holds what loggers get, by the names Lightning logs
/// (<c>x_step</c> and <c>x_epoch</c> for a value logged both ways); <see cref="Callback"/> is what monitors see.
/// </summary>
internal sealed class LoggedMetrics(Dictionary<string, double> logged, Dictionary<string, double> callback)
    : ReadOnlyDictionary<string, double>(logged)
{
    /// <summary>
    /// Lightning's callback_metrics share of this read: a forked value also under its plain name (so <c>monitor: val_loss</c>
    /// resolves), and nothing from an evaluation step, since callback metrics never take evaluation step values.
    /// </summary>
    public IReadOnlyDictionary<string, double> Callback { get; } = callback;
}
