using Lightning.Core.Tuning;

namespace Lightning.Hosting;

/// <summary>What <c>tune lr</c> was asked: the sweep, and the configuration key that holds the learning rate.</summary>
/// <param name="Options">The sweep (--min-lr, --max-lr, --num-training, --mode, --early-stop-threshold, --no-early-stop).</param>
/// <param name="LrKey">--lr-key, e.g. <c>model.lr</c>; null to look for <c>lr</c> or <c>learning_rate</c> in the model's options.</param>
public sealed record LrFindRequest(LrFindOptions Options, string? LrKey);
