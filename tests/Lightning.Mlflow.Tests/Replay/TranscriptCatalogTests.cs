using Lightning.Mlflow.Replay;

namespace Lightning.Mlflow.Tests.Replay;

/// <summary>The replay knows every recorded exchange, including the later models/registry/datasets/system-metrics ones (64–99).</summary>
public sealed class TranscriptCatalogTests
{
    [Fact]
    public void EveryExchangeFrom01To99_IsLoaded_AndTheFileListingsAreNot()
    {
        var expected = Enumerable.Range(1, 99).Select(n => n.ToString("00", System.Globalization.CultureInfo.InvariantCulture))
            .Except(["62", "63", "97"]);

        Assert.Equal(expected.Order(), Transcript.Numbers.Order());
    }

    [Theory]
    [InlineData("64", "POST", "/api/2.0/mlflow/runs/log-model", 200)]
    [InlineData("91", "POST", "/api/2.0/mlflow/runs/log-inputs", 200)]
    [InlineData("99", "GET", "/model-versions/get-artifact", 500)]
    public void ALaterExchange_IsParsedWithItsMethodPathAndStatus(string number, string method, string pathStart, int status)
    {
        var transcript = Transcript.Get(number);

        Assert.Equal((method, status), (transcript.Method, transcript.Status));
        Assert.StartsWith(pathStart, transcript.Path, StringComparison.Ordinal);
    }
}
