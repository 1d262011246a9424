using Lightning.TestSupport;

namespace Lightning.EndToEnd.Tests;

/// <summary>The closing line CI reads (<c>./build.sh summarize</c>, which <c>./build.sh test</c> ends with).</summary>
public sealed class CiSummaryTests : IDisposable
{
    private readonly TempDirectory _results = new();

    public void Dispose() => _results.Dispose();

    // The counters vstest writes beside passed and failed, kept in a constant so the TRX line below stays short.
    private const string OtherCounters = "error=\"0\" timeout=\"0\" aborted=\"0\" notExecuted=\"0\"";

    // The shape of a TRX file as vstest writes it; only the summary matters to the line.
    private void Trx(string project, string outcome, int passed, int failed) => File.WriteAllText(_results.Combine(project + ".trx"), $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <ResultSummary outcome="{outcome}">
            <Counters total="{passed + failed}" executed="{passed + failed}" passed="{passed}" failed="{failed}" {OtherCounters} />
          </ResultSummary>
        </TestRun>
        """);

    private ChildProcess.Result Summarize() =>
        ChildProcess.Run(Repository.Root, "bash", [Path.Combine(Repository.Root, "build.sh"), "summarize", _results.Path]);

    // The explanations go to stderr, so they may arrive on either side of the line itself.
    private static string Line(ChildProcess.Result result) =>
        Assert.Single(result.Lines, l => l.Line.Contains(" passed, ", StringComparison.Ordinal)).Line;

    [Fact]
    public void CompletedRuns_AreSummed()
    {
        Trx("Lightning.Cli.Tests", "Completed", 2, 0);
        Trx("Lightning.Core.Tests", "Completed", 10, 0);
        Trx("Lightning.EndToEnd.Tests", "Failed", 4, 2);
        Trx("Lightning.Mlflow.Tests", "Completed", 3, 0);
        Trx("Lightning.Sweeps.Tests", "Completed", 5, 0);
        Trx("Lightning.Vision.Tests", "Completed", 1, 0);
        Assert.Equal("25 passed, 2 failed", Line(Summarize()));
    }

    [Fact]
    public void AnAbortedRunOrAMissingOne_IsAFailure()
    {
        // A crashed test host leaves outcome "Failed" with no failed test counted (seen on a real crash).
        Trx("Lightning.Cli.Tests", "Completed", 2, 0);
        Trx("Lightning.Core.Tests", "Completed", 10, 0);
        Trx("Lightning.EndToEnd.Tests", "Failed", 7, 0);
        Trx("Lightning.Mlflow.Tests", "Completed", 3, 0);
        Trx("Lightning.Vision.Tests", "Completed", 1, 0);
        var summary = Summarize();
        Assert.Contains("Lightning.EndToEnd.Tests: the test run was aborted", summary.Output);
        Assert.Contains("Lightning.Sweeps.Tests: no test results", summary.Output);
        Assert.Equal("23 passed, 2 failed", Line(summary));
    }
}
