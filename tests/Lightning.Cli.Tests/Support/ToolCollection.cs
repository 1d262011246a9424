namespace Lightning.Cli.Tests.Support;

/// <summary>Tests that change the console, the current folder or the environment: they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ToolCollection
{
    public const string Name = "tool in process";
}
