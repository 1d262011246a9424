using Lightning.Core.Configuration;

namespace Lightning.Mlflow.Tests.Tracking;

public sealed class TrackingTargetTests
{
    [Fact]
    public void ConfiguredUri_WinsOverTheEnvironment_WhichWinsOverTheDefault()
    {
        Assert.Equal(new TrackingTarget(true, "http://a:5000"), TrackingTarget.Resolve("http://a:5000/", "http://b:5000", "/work"));
        Assert.Equal(new TrackingTarget(true, "https://b"), TrackingTarget.Resolve(null, "https://b", "/work"));
        Assert.Equal(new TrackingTarget(false, "/work/mlruns"), TrackingTarget.Resolve(null, null, "/work"));
    }

    [Theory]
    [InlineData("file:///data/mlruns", "/data/mlruns")]
    [InlineData("/data/store", "/data/store")]
    public void FileUrisAndPaths_AreFileStores(string uri, string folder) =>
        Assert.Equal(new TrackingTarget(false, folder), TrackingTarget.Resolve(uri, null, "/work"));

    [Theory]
    [InlineData("sqlite:///mlflow.db")]
    [InlineData("databricks")]
    [InlineData("s3://bucket/mlruns")]
    public void OtherStores_AreAConfigErrorNamingTheSource(string uri)
    {
        var issue = Assert.Single(Assert.Throws<LightningConfigException>(() => TrackingTarget.Resolve(null, uri, "/work")).Issues);
        Assert.Equal("tracking.uri", issue.Key);
        Assert.Equal("MLFLOW_TRACKING_URI", issue.Source);
        Assert.Contains("http(s)://", issue.Message);
    }
}
