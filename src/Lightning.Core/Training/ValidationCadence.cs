using System.Globalization;
using Lightning.Core.Configuration;

namespace Lightning.Core.Training;

/// <summary>
/// When validation runs, as Lightning decides it: every <c>val_check_interval</c> training batches, counted within
/// each validated epoch, or across epochs when <c>check_val_every_n_epoch</c> is null. Also Lightning's
/// <c>save_on_train_epoch_end</c> rule: when validation runs once at the end of every epoch, checkpointing and early
/// stopping act after <c>OnTrainEpochEnd</c> (so they see what the module logs there); otherwise after each validation.
/// </summary>
internal static class ValidationCadence
{
    /// <summary>Whether validation runs exactly once per epoch, at its end.</summary>
    public static bool OncePerEpoch(TrainerOptions options) =>
        options.CheckValEveryNEpoch == 1 && options.ValCheckInterval.Fraction == 1.0;

    /// <summary>
    /// Whether epoch checkpoints are saved at the training epoch's end: when validation runs once per epoch, or never.
    /// Otherwise they are saved after each validation only, as Lightning's are.
    /// </summary>
    public static bool SavesOnTrainEpochEnd(ITrainerView trainer) => OncePerEpoch(trainer.Options) || trainer.ValidationBatches == 0;

    /// <summary>Training batches between validations, for epochs of <paramref name="trainBatches"/> batches.</summary>
    /// <exception cref="LightningConfigException">A count exceeds the epoch while validation is counted per epoch.</exception>
    public static long Interval(TrainerOptions options, long trainBatches)
    {
        var interval = options.ValCheckInterval;
        if (interval.Fraction is { } fraction) return Math.Max(1, (long)Math.Floor(trainBatches * fraction));
        var count = interval.Count ?? trainBatches;
        // Counted per epoch, such a count would never be reached: Lightning rejects it too.
        if (count > trainBatches && options.CheckValEveryNEpoch is not null)
            throw new LightningConfigException([new ConfigIssue("trainer.val_check_interval", count.ToString(CultureInfo.InvariantCulture),
                "trainer options",
                $"must not exceed the {trainBatches} training batches of an epoch while check_val_every_n_epoch is set; " +
                "use a fraction such as 0.5 to validate within an epoch, " +
                "or set trainer.check_val_every_n_epoch to null to count batches across epochs.")]);
        return count;
    }

    /// <summary>Whether the batch at <paramref name="index"/> of <paramref name="epoch"/> (0-based) ends with a validation.</summary>
    public static bool Due(TrainerOptions options, long interval, long trainBatches, int epoch, long index)
    {
        if (options.CheckValEveryNEpoch is not { } every) return (epoch * trainBatches + index + 1) % interval == 0;
        return (epoch + 1) % every == 0 && (index + 1) % interval == 0;
    }
}
