using System.CommandLine;
using System.Globalization;
using Lightning.Mlflow;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Writing;
using Lightning.Hosting;

namespace Lightning.Cli.Commands;

/// <summary>
/// runs list | show RUN | push [RUN]: read the runs of the store in use (server or file store), and deliver spooled or
/// local runs to a store.
/// </summary>
internal static class RunsCommand
{
    private static readonly string Header = $"{"run id",-32}  {"experiment",-20}  {"name",-24}  {"status",-9}  {"started (UTC)",-19}  metrics";

    public static Command Create(TextWriter output)
    {
        var uri = new Option<string?>("--tracking-uri")
        {
            Description = "The store (default: MLFLOW_TRACKING_URI, lightning.yaml's tracking.uri, ./mlruns)."
        };
        var runs = new Command("runs", "List, show and push tracked runs.");

        var list = new Command("list", "List the runs of the store (a tracking server or an mlruns folder), newest first, " +
            "and the runs spooled here that no server has yet.") { uri };
        list.SetAction(result =>
        {
            var target = StoreResolver.Resolve(result.GetValue(uri), Environment.CurrentDirectory);
            var all = Read(target, reader => reader.Runs(), () => FileStoreReader.Runs(target.Location).Select(RunSummary.From).ToList());
            var spooled = Spooled().ToList();
            if (all.Count == 0) output.WriteLine($"No runs in {target.Location}.");
            else
            {
                output.WriteLine(Header);
                foreach (var run in all)
                {
                    // The training figures first; system metrics (system/cpu_utilization_percentage, ...) after them.
                    var metrics = string.Join(" ", run.LatestMetrics.Where(m => m.Key != "epoch")
                        .OrderBy(m => m.Key.StartsWith("system/", StringComparison.Ordinal)).ThenBy(m => m.Key, StringComparer.Ordinal)
                        .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key}={m.Value:G4}")));
                    output.WriteLine(Row(run.RunId, run.ExperimentName, run.RunName, run.Status, run.StartTimeMs, metrics));
                }
            }
            if (spooled.Count == 0) return ExitCodes.Finished;
            output.WriteLine();
            output.WriteLine($"Not yet delivered (spooled under {LocalRoot}):");
            output.WriteLine(Header.Replace("metrics", "pending", StringComparison.Ordinal));
            foreach (var spool in spooled)
            {
                var (experiment, name, started) = spool.Describe() ?? ("", "", 0);
                output.WriteLine(Row(SpoolId(spool), experiment, name, "SPOOLED", started, $"{spool.Summary()} for {spool.Server}"));
            }
            output.WriteLine("Deliver them with: dotnet lightning runs push (or push one: dotnet lightning runs push RUN).");
            return ExitCodes.Finished;
        });

        var id = new Argument<string>("run") { Description = "Run id (or a unique prefix)." };
        var show = new Command("show", "Show one run: status, params, tags, latest metrics, artifacts.") { id, uri };
        show.SetAction(result =>
        {
            var wanted = result.GetValue(id)!;
            var target = StoreResolver.Resolve(result.GetValue(uri), Environment.CurrentDirectory);
            var stored = target.IsServer ? [] : FileStoreReader.Runs(target.Location);
            var runs = Read(target, reader => reader.Runs(), () => stored.Select(RunSummary.From).ToList());
            var matches = runs.Where(r => r.RunId.StartsWith(wanted, StringComparison.Ordinal)).ToList();
            if (matches.Count != 1)
                throw new CliException(matches.Count == 0
                    ? $"No run id in {target.Location} starts with '{wanted}'."
                    : $"'{wanted}' matches {matches.Count} runs; give more of the id.");
            var run = matches[0];
            output.WriteLine($"run {run.RunId} ({run.RunName}) in experiment {run.ExperimentName}: {run.Status}");
            Section(output, "params", run.Params);
            Section(output, "metrics (latest)",
                run.LatestMetrics.ToDictionary(m => m.Key, m => m.Value.ToString("G6", CultureInfo.InvariantCulture)));
            Section(output, "tags", run.Tags);
            var artifacts = Read(target, reader => reader.Artifacts(run.RunId),
                () => LocalArtifacts(stored.Single(r => r.RunId == run.RunId).Artifacts));
            Section(output, "artifacts", artifacts.ToDictionary(a => a.Path, a => a.Size is { } size ? $"{size} bytes" : "size unknown"));
            return ExitCodes.Finished;
        });

        var which = new Argument<string?>("run")
        {
            Arity = ArgumentArity.ZeroOrOne,
            Description = "One spooled run: its id (offline-… or the server's) or its folder; default: every spooled run under ./.lightning/runs."
        };
        var to = new Option<string?>("--to")
        {
            Description = "Where to deliver: a tracking server (http(s)://...), or a file store (a folder or file: URI); " +
                "spools default to the server they were meant for."
        };
        var from = new Option<string?>("--from") { Description = "A file store (mlruns folder) whose runs are copied to --to." };
        var push = new Command("push",
            "Deliver spooled writes (runs that could not reach their server), or copy a file store's runs, to a server or a file store.")
        {
            which, to, from
        };
        push.SetAction(result => RunsPush.Run(output, result.GetValue(which), result.GetValue(to), result.GetValue(from)));

        runs.Subcommands.Add(list);
        runs.Subcommands.Add(show);
        runs.Subcommands.Add(push);
        return runs;
    }

    /// <summary>Where runs meant for a server keep their local files here: ./.lightning/runs.</summary>
    public static string LocalRoot => MlflowTracking.LocalRunsRoot(Environment.CurrentDirectory);

    /// <summary>The spools under <see cref="LocalRoot"/> that still hold writes.</summary>
    public static IEnumerable<Spool> Spooled() => Spool.FindAll(LocalRoot).Where(s => s.HasPending);

    /// <summary>A spooled run's id: the server's once it created the run, else the local offline-… id (its folder's name).</summary>
    public static string SpoolId(Spool spool) => spool.Run()?.RunId ?? Path.GetFileName(spool.Folder);

    /// <summary>Which server did not answer and why ("Connection refused"), for the sentences that say what to do.</summary>
    public static string Unanswered(string server, MlflowException error) =>
        $"the MLflow server {server} did not answer ({error.InnerException?.Message ?? error.Message})";

    /// <summary>Reads from the server through <paramref name="remote"/>, or from the file store through <paramref name="local"/>.</summary>
    private static IReadOnlyList<T> Read<T>(TrackingTarget target, Func<RestRunReader, IReadOnlyList<T>> remote, Func<IReadOnlyList<T>> local)
    {
        if (!target.IsServer) return local();
        try
        {
            using var reader = new RestRunReader(new Uri(target.Location), RestOptions.FromEnvironment());
            return remote(reader);
        }
        catch (MlflowException error) when (error.ErrorCode == "TEMPORARILY_UNAVAILABLE" && error.Status == 0)
        {
            throw new CliException($"Could not read the runs of {target.Location}: {Unanswered(target.Location, error)}; " +
                "start it, or point --tracking-uri (or MLFLOW_TRACKING_URI, lightning.yaml's tracking.uri) at one that runs.",
                exitCode: ExitCodes.Failed);
        }
        catch (MlflowException error)
        {
            throw new CliException($"Could not read the runs of {target.Location}: {error.Message}. " +
                "Check the tracking URI (--tracking-uri, MLFLOW_TRACKING_URI, lightning.yaml's tracking.uri) and the credentials.",
                exitCode: ExitCodes.Failed);
        }
    }

    private static string Row(string runId, string experiment, string name, string status, long startedMs, string last) =>
        $"{runId,-32}  {Cut(experiment, 20),-20}  {Cut(name, 24),-24}  {status,-9}  " +
        $"{DateTimeOffset.FromUnixTimeMilliseconds(startedMs):yyyy-MM-dd HH:mm:ss}  {last}";

    private static IReadOnlyList<ArtifactEntry> LocalArtifacts(string folder) =>
        Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(f => new ArtifactEntry(Path.GetRelativePath(folder, f).Replace('\\', '/'), new FileInfo(f).Length))]
            : [];

    private static void Section(TextWriter output, string title, IReadOnlyDictionary<string, string> values)
    {
        output.WriteLine($"  {title}:");
        foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal)) output.WriteLine($"    {key} = {value}");
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
