namespace Lightning.TestApp;

/// <summary>Section <c>data</c> of the test app.</summary>
public sealed record TinyDataOptions
{
    public int Samples { get; init; } = 256;
    public int ValSamples { get; init; } = 64;
    public int Features { get; init; } = 8;
    public int Classes { get; init; } = 3;
    public int BatchSize { get; init; } = 16;
    public bool Shuffle { get; init; } = true;
    public long DataSeed { get; init; } = 7;
    /// <summary>PrepareData says it ran (a test counts the lines: once per node, as Lightning's prepare_data).</summary>
    public bool SayPrepared { get; init; }
    /// <summary>PrepareData throws (a download that fails), for the test that no rank is left waiting.</summary>
    public bool FailPrepare { get; init; }
}
