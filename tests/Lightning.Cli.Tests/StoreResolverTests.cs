using Lightning.Cli.Tests.Support;
using Lightning.Core.Configuration;
using Lightning.TestSupport;

namespace Lightning.Cli.Tests;

/// <summary>Which store the tool reads: --tracking-uri, lightning.yaml's tracking.uri, else ./mlruns.</summary>
[Collection(ToolCollection.Name)]
public sealed class StoreResolverTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly string? _savedUri = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI");

    public StoreResolverTests() => Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", null);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", _savedUri);
        _folder.Dispose();
    }

    [Fact]
    public void NothingConfigured_IsTheMlrunsFileStoreInTheFolder()
    {
        var target = StoreResolver.Resolve(null, _folder.Path);
        Assert.False(target.IsServer);
        Assert.Equal(_folder.Combine("mlruns"), target.Location);
    }

    [Fact]
    public void YamlTrackingUri_IsAServer()
    {
        File.WriteAllText(_folder.Combine("lightning.yaml"), "tracking:\n  uri: http://mlflow.example:5000/\n");
        var target = StoreResolver.Resolve(null, _folder.Path);
        Assert.True(target.IsServer);
        Assert.Equal("http://mlflow.example:5000", target.Location);
    }

    [Fact]
    public void GivenUri_WinsOverTheYaml()
    {
        File.WriteAllText(_folder.Combine("lightning.yaml"), "tracking:\n  uri: http://mlflow.example:5000\n");
        var target = StoreResolver.Resolve("file:///tmp/elsewhere/mlruns", _folder.Path);
        Assert.False(target.IsServer);
        Assert.Equal("/tmp/elsewhere/mlruns", target.Location);
    }

    [Fact]
    public void EnvironmentVariable_IsUsedWhenNothingElseIsConfigured()
    {
        Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", "https://tracking.example");
        var target = StoreResolver.Resolve(null, _folder.Path);
        Assert.True(target.IsServer);
        Assert.Equal("https://tracking.example", target.Location);
    }

    [Fact]
    public void UnsupportedScheme_IsAConfigurationError()
    {
        var error = Assert.Throws<LightningConfigException>(() => StoreResolver.Resolve("databricks", _folder.Path));
        Assert.Contains("'tracking.uri'", error.Message, StringComparison.Ordinal);
    }
}
