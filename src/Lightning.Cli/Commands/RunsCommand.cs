using System.CommandLine;
using System.Globalization;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Writing;

namespace Lightning.Cli.Commands;

/// <summary>runs list | show RUN | push: read the runs of a file store, and deliver local runs or spools to a server.</summary>
internal static class RunsCommand
{
    public static Command Create(TextWriter output)
    {
        var uri = new Option<string?>("--tracking-uri") { Description = "The store (default: MLFLOW_TRACKING_URI, lightning.yaml's tracking.uri, ./mlruns)." };
        var runs = new Command("runs", "List, show and push tracked runs.");

        var list = new Command("list", "List the runs of the store, newest first.") { uri };
        list.SetAction(result =>
        {
            var store = FileStoreRoot(result.GetValue(uri));
            var all = FileStoreReader.Runs(store);
            if (all.Count == 0)
            {
                output.WriteLine($"No runs in {store}.");
                return 0;
            }
            output.WriteLine($"{"run id",-32}  {"experiment",-20}  {"name",-24}  {"status",-9}  {"started (UTC)",-19}  metrics");
            foreach (var run in all)
            {
                var metrics = string.Join(" ", run.LatestMetrics().Where(m => m.Key != "epoch").OrderBy(m => m.Key, StringComparer.Ordinal)
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
            var matches = FileStoreReader.Runs(FileStoreRoot(result.GetValue(uri))).Where(r => r.RunId.StartsWith(wanted, StringComparison.Ordinal)).ToList();
            if (matches.Count != 1) throw new CliException(matches.Count == 0 ? $"No run id starts with '{wanted}'." : $"'{wanted}' matches {matches.Count} runs; give more of the id.");
            var run = matches[0];
            output.WriteLine($"run {run.RunId} ({run.RunName}) in experiment {run.ExperimentName}: {run.Status}");
            Section(output, "params", run.Params);
            Section(output, "metrics (latest)", run.LatestMetrics().ToDictionary(m => m.Key, m => m.Value.ToString("G6", CultureInfo.InvariantCulture)));
            Section(output, "tags", run.Tags);
            if (Directory.Exists(run.Artifacts))
                Section(output, "artifacts", Directory.EnumerateFiles(run.Artifacts, "*", SearchOption.AllDirectories)
                    .ToDictionary(f => Path.GetRelativePath(run.Artifacts, f), f => $"{new FileInfo(f).Length} bytes"));
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

    private static string FileStoreRoot(string? given)
    {
        var target = StoreResolver.Resolve(given, Environment.CurrentDirectory);
        return target.IsServer
            ? throw new CliException($"runs list/show read a file store; {target.Location} is a server: open its UI in a browser, or pass --tracking-uri with an mlruns folder.")
            : target.Location;
    }

    private static void Section(TextWriter output, string title, IReadOnlyDictionary<string, string> values)
    {
        output.WriteLine($"  {title}:");
        foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal)) output.WriteLine($"    {key} = {value}");
    }

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
