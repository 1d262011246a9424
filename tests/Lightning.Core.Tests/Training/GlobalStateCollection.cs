namespace Lightning.Core.Tests.Training;

/// <summary>Tests that use process-wide state (torch's global generator, Console.Out) run alone, not beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalStateCollection
{
    public const string Name = "global state";
}
