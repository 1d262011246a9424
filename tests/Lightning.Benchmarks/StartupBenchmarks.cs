using System.Diagnostics;
using System.Text.RegularExpressions;
using Lightning.TestSupport;

namespace Lightning.Benchmarks;

/// <summary>
/// Start-up figures: seconds from process start to the first training step of an already-built template project, for
/// the built app run directly, <c>dotnet lightning fit</c> and <c>dotnet build -t:Train</c> (medians of 5, interleaved).
/// </summary>
/// <remarks>
/// The first step is seen in what the app already prints: plain progress with a tiny interval writes a line after the
/// first batch ("Epoch 1/1 1/N ..."), and the app flushes it, so it arrives through the tool and the build log alike.
/// </remarks>
public static partial class StartupBenchmarks
{
    private const int Repeats = 5;

    private static readonly Dictionary<string, string> Variables = new()
    {
        ["LIGHTNING_PROGRESS"] = "plain",
        ["LIGHTNING_PROGRESS_INTERVAL_S"] = "0.000001",
        ["OMP_NUM_THREADS"] = "1",
    };

    public static void Run(BenchReport report)
    {
        using var feed = new TemplateFeed("bench");
        var project = feed.Scaffold("Digits");
        ChildProcess.Succeeded(ChildProcess.Run(project, "dotnet", ["tool", "restore", "--add-source", feed.Feed]));
        ChildProcess.Succeeded(ChildProcess.Run(project, "dotnet", ["build", "-nologo", "-v:q"], timeout: TimeSpan.FromMinutes(10)));
        var app = Path.Combine(project, "bin", "Debug", "net10.0", "Digits.dll");
        (string Name, string[] Command)[] ways =
        [
            ("app", [app, "fit", "--trainer.max_steps=1"]),
            ("tool", ["lightning", "fit", "--trainer.max_steps=1"]),
            ("build", ["build", "-t:Train", "-p:MaxSteps=1", "-nologo"]),
        ];
        // One untimed round: the first fit writes the sample data, and every way finds its files in the page cache.
        foreach (var (_, command) in ways) FirstStep(project, command);
        report.Note($"template project (classification, Debug build, already built), load before: {Load()}");
        var seconds = ways.ToDictionary(w => w.Name, _ => new List<double>());
        for (var repeat = 0; repeat < Repeats; repeat++)
        {
            // Each round starts with a different way, so drift in machine load hits all three alike.
            for (var turn = 0; turn < ways.Length; turn++)
            {
                var (name, command) = ways[(repeat + turn) % ways.Length];
                seconds[name].Add(FirstStep(project, command));
            }
        }
        foreach (var (name, values) in seconds)
            report.Note($"{name}: " + string.Join(", ", values.Select(v => v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture))));
        report.Note($"load after: {Load()}");
        foreach (var (name, _) in ways) report.Figure($"first_step_s_{name}", BenchReport.Median(seconds[name]));
    }

    /// <summary>Runs <c>dotnet COMMAND</c> to the end and returns the seconds from its start to the first step's progress line.</summary>
    private static double FirstStep(string project, string[] command)
    {
        double? first = null;
        var watch = Stopwatch.StartNew();
        var result = ChildProcess.Run(project, "dotnet", command, Variables, onLine: (line, _) =>
        {
            if (first is null && FirstStepLine().IsMatch(line)) first = watch.Elapsed.TotalSeconds;
        }, timeout: TimeSpan.FromMinutes(5));
        ChildProcess.Succeeded(result);
        return first ?? throw new InvalidOperationException($"dotnet {string.Join(' ', command)} printed no first-step line:\n{result.Output}");
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Trim();

    [GeneratedRegex(@"Epoch 1/\d+ 1/\d+ ")]
    private static partial Regex FirstStepLine();
}
