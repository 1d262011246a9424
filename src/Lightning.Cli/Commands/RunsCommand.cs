using System.CommandLine;
using System.Globalization;
using Lightning.Mlflow;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Writing;

namespace Lightning.Cli.Commands;

/// <summary>runs list | show RUN | push: read the runs of the store in use (server or file store), and deliver local runs or spools to a server.</summary>
internal static class RunsCommand
{
    public static Command Create(TextWriter output)
    {
        var uri = new Option<string?>("--tracking-uri") { Description = "The store (default: MLFLOW_TRACKING_URI, lightning.yaml's tracking.uri, ./mlruns)." };
        var runs = new Command("runs", "List, show and push tracked runs.");

        var list = new Command("list", "List the runs of the store (a tracking server or an mlruns folder), newest first.") { uri };
        list.SetAction(result =>
        {
            var target = StoreResolver.Resolve(result.GetValue(uri), Environment.CurrentDirectory);
            var all = Read(target, reader => reader.Runs(), () => FileStoreReader.Runs(target.Location).Select(RunSummary.From).ToList());
            if (all.Count == 0)
            {
                output.WriteLine($"No runs in {target.Location}.");
                return 0;
            }
            output.WriteLine($"{"run id",-32}  {"experiment",-20}  {"name",-24}  {"status",-9}  {"started (UTC)",-19}  metrics");
            foreach (var run in all)
            {
                var metrics = string.Join(" ", run.LatestMetrics.Where(m => m.Key != "epoch").OrderBy(m => m.Key, StringComparer.Ordinal)
                    .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key}={m.Value:G4}")));
                output.WriteLine($"{run.RunId,-32}  {Cut(run.ExperimentName, 20),-20}  {Cut(run.RunName, 24),-24}  {run.Status,-9}  {DateTimeOffset.FromUnixTimeMilliseconds(run.StartTimeMs):yyyy-MM-dd HH:mm:ss}  {metrics}");
            }
            return 0;
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
            if (matches.Count != 1) throw new CliException(matches.Count == 0 ? $"No run id in {target.Location} starts with '{wanted}'." : $"'{wanted}' matches {matches.Count} runs; give more of the id.");
            var run = matches[0];
            output.WriteLine($"run {run.RunId} ({run.RunName}) in experiment {run.ExperimentName}: {run.Status}");
            Section(output, "params", run.Params);
            Section(output, "metrics (latest)", run.LatestMetrics.ToDictionary(m => m.Key, m => m.Value.ToString("G6", CultureInfo.InvariantCulture)));
            Section(output, "tags", run.Tags);
            var artifacts = Read(target, reader => reader.Artifacts(run.RunId), () => LocalArtifacts(stored.Single(r => r.RunId == run.RunId).Artifacts));
            Section(output, "artifacts", artifacts.ToDictionary(a => a.Path, a => a.Size is { } size ? $"{size} bytes" : "size unknown"));
            return 0;
        });

        var to = new Option<string?>("--to") { Description = "The tracking server (http(s)://...); spools default to the server they were meant for." };
        var from = new Option<string?>("--from") { Description = "A file store (mlruns folder) whose runs are copied to --to." };
        var push = new Command("push", "Deliver spooled writes (runs that could not reach their server), or copy a file store's runs to a server.") { to, from };
        push.SetAction(result => Push(output, result.GetValue(to), result.GetValue(from)));

        runs.Subcommands.Add(list);
        runs.Subcommands.Add(show);
        runs.Subcommands.Add(push);
        return runs;
    }

    private static int Push(TextWriter output, string? to, string? from)
    {
        var options = RestOptions.FromEnvironment();
        var local = Lightning.Mlflow.MlflowTracking.LocalRunsRoot(Environment.CurrentDirectory);
        if (from is not null)
        {
            if (to is null) throw new CliException("--from needs --to: the server to copy the runs into.");
            using var target = new RestStore(new Uri(to), options, local);
            foreach (var run in FileStoreReader.Runs(Path.GetFullPath(from)))
                output.WriteLine($"pushed {run.RunId} ({run.RunName}) as {RunExporter.Push(run, target)}");
            return 0;
        }
        var spools = Spool.FindAll(local).Where(s => s.HasPending).ToList();
        if (spools.Count == 0)
        {
            output.WriteLine($"Nothing to push: no spooled writes under {local}.");
            return 0;
        }
        var failed = 0;
        foreach (var spool in spools)
        {
            var server = to ?? spool.Server;
            try
            {
                using var store = new RestStore(new Uri(server), options, local);
                var (records, points) = spool.Replay(store);
                output.WriteLine($"{spool.Folder}: delivered {records} writes ({points} metric points) to {server}.");
            }
            catch (MlflowException error)
            {
                failed++;
                output.WriteLine($"{spool.Folder}: {server} refused or did not answer ({error.Message}); the writes stay spooled.");
            }
        }
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Reads from the server through <paramref name="remote"/>, or from the file store through <paramref name="local"/>.</summary>
    private static IReadOnlyList<T> Read<T>(TrackingTarget target, Func<RestRunReader, IReadOnlyList<T>> remote, Func<IReadOnlyList<T>> local)
    {
        if (!target.IsServer) return local();
        try
        {
            using var reader = new RestRunReader(new Uri(target.Location), RestOptions.FromEnvironment());
            return remote(reader);
        }
        catch (MlflowException error)
        {
            throw new CliException($"Could not read the runs of {target.Location}: {error.Message}. Check the server is up and the tracking URI (--tracking-uri, MLFLOW_TRACKING_URI, lightning.yaml's tracking.uri).", exitCode: 1);
        }
    }

    private static IReadOnlyList<ArtifactEntry> LocalArtifacts(string folder) =>
        Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => new ArtifactEntry(Path.GetRelativePath(folder, f).Replace('\\', '/'), new FileInfo(f).Length))]
            : [];

    private static void Section(TextWriter output, string title, IReadOnlyDictionary<string, string> values)
    {
        output.WriteLine($"  {title}:");
        foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal)) output.WriteLine($"    {key} = {value}");
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
