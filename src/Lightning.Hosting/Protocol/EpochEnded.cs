namespace Lightning.Hosting;

/// <summary><c>epoch_end {epoch, step, metrics, validated}</c>: a training epoch ended.</summary>
/// <param name="Epoch">The epoch, from 0 (as Lightning counts).</param>
/// <param name="Step">The global step.</param>
/// <param name="Metrics">The callback metrics at the end of the epoch (NaN and infinities included).</param>
/// <param name="Validated">
/// Whether any validation has run yet, so a driver can tell a validation metric that cannot be there yet
/// (check_val_every_n_epoch) from one that is never logged. Files written before the field existed read as true.
/// </param>
public sealed record EpochEnded(int Epoch, long Step, IReadOnlyDictionary<string, double> Metrics, bool Validated) : DriverEvent
{
    /// <summary>The event's name on disk.</summary>
    public const string EventName = "epoch_end";

    /// <inheritdoc />
    public override string Name => EventName;
}
