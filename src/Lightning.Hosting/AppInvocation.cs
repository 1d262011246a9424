namespace Lightning.Hosting;

/// <summary>One parsed command line of an app.</summary>
/// <param name="Command">The subcommand.</param>
/// <param name="ConfigFile">--config, or null for ./lightning.yaml when present.</param>
/// <param name="CheckpointPath">--ckpt-path: last, best or a file.</param>
/// <param name="EventsPath">--events: the JSON-lines file of the driver contract.</param>
/// <param name="PredictionsPath">--predictions: where predict saves its output.</param>
/// <param name="Overrides">--section.key=value tokens.</param>
public sealed record AppInvocation(
    AppCommand Command, string? ConfigFile, string? CheckpointPath, string? EventsPath, string? PredictionsPath, IReadOnlyList<string> Overrides)
{
    /// <summary>--verbose: a failure also prints its full stack trace.</summary>
    public bool Verbose { get; init; }

    /// <summary><c>tune lr</c>: the sweep and where the learning rate is configured; null for other commands.</summary>
    public LrFindRequest? LrFind { get; init; }

    /// <summary>--model: predict with a logged model (<c>models:/NAME@alias</c>, <c>models:/NAME/3</c>, <c>runs:/ID/model</c>, a folder).</summary>
    public string? ModelUri { get; init; }
}
