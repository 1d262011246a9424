namespace Lightning.Core.Training;

/// <summary>
/// Lightning's <c>save_on_train_epoch_end</c> rule: when validation runs once at the end of every epoch, checkpointing
/// and early stopping act after <c>OnTrainEpochEnd</c> (so they see what the module logs there); otherwise after
/// each validation.
/// </summary>
internal static class ValidationCadence
{
    /// <summary>Whether validation runs exactly once per epoch, at its end.</summary>
    public static bool OncePerEpoch(TrainerOptions options) =>
        options.CheckValEveryNEpoch == 1 && options.ValCheckInterval.Fraction == 1.0;
}
