namespace Lightning.Sweeps.Configuration;

/// <summary>Runs the app's <c>print-config</c> with these overrides (<c>--model.lr=0.1</c>), which binds and validates its configuration.</summary>
/// <param name="overrides">Arguments after <c>print-config</c>.</param>
public delegate PrintConfigReply PrintConfig(IReadOnlyList<string> overrides);

/// <summary>What <c>print-config</c> answered.</summary>
/// <param name="ExitCode">
/// <see cref="Lightning.Hosting.ExitCodes.Finished"/> when the configuration is valid, <see cref="Lightning.Hosting.ExitCodes.Usage"/>
/// when a key or value is refused.
/// </param>
/// <param name="Output">Standard output (the configuration as YAML) followed by standard error (one line per problem).</param>
public sealed record PrintConfigReply(int ExitCode, string Output);
