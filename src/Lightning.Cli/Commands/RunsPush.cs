using Lightning.Core.Configuration;
using Lightning.Mlflow;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Writing;
using Lightning.Hosting;

namespace Lightning.Cli.Commands;

/// <summary>
/// runs push: delivers spooled runs to the server they were meant for (or to --to), or copies a file store's runs
/// (--from) to --to. --to is a server or a file store (a folder or file: URI), so runs can be imported into mlruns.
/// </summary>
internal static class RunsPush
{
    public static int Run(TextWriter output, string? which, string? to, string? from)
    {
        var options = RestOptions.FromEnvironment();
        var target = to is null ? null : Target(to);
        if (from is not null)
        {
            if (target is null) throw new CliException("--from needs --to: the server or folder to copy the runs into.");
            if (!Directory.Exists(from))
                throw new CliException($"--from '{from}' is not a folder: give the file store (mlruns folder) whose runs to copy.");
            using var store = target.Open(options, RunsCommand.LocalRoot, output.WriteLine);
            foreach (var run in FileStoreReader.Runs(Path.GetFullPath(from)))
            {
                var pushed = Attempt(target.Location, () => RunExporter.Push(run, store));
                output.WriteLine(pushed.Updated
                    ? $"updated {pushed.RunId} in {target.Location}: {run.RunId} ({run.RunName}) was pushed there before"
                    : $"pushed {run.RunId} ({run.RunName}) as {pushed.RunId} to {target.Location}");
            }
            return ExitCodes.Finished;
        }
        var spools = Select(which);
        if (spools.Count == 0)
        {
            output.WriteLine($"Nothing to push: no spooled writes under {RunsCommand.LocalRoot}.");
            return ExitCodes.Finished;
        }
        var failed = 0;
        foreach (var spool in spools)
        {
            var destination = target ?? new TrackingTarget(true, spool.Server);
            try
            {
                using var store = destination.Open(options, RunsCommand.LocalRoot, output.WriteLine);
                // A spool whose run the server already holds keeps only the writes that server missed: another store
                // would get a run without its beginning.
                if (spool.Run() is { } run && !SameStore(spool.Server, store.Uri))
                    throw new CliException(
                        $"{spool.Folder} holds only the writes of run {run.RunId} that {spool.Server} did not get; push it there (without --to).");
                var (id, summary) = (RunsCommand.SpoolId(spool), spool.Summary());
                var (records, _) = spool.Replay(store);
                output.WriteLine($"{id}: delivered {records} writes ({summary}) to {store.Uri} as run {spool.Run()?.RunId}.");
            }
            catch (MlflowException error) when (error.ErrorCode == "TEMPORARILY_UNAVAILABLE" && error.Status == 0)
            {
                failed++;
                output.WriteLine($"{RunsCommand.SpoolId(spool)}: not delivered: {RunsCommand.Unanswered(destination.Location, error)}; " +
                    $"start it and push again, or push elsewhere with --to (the writes stay spooled in {spool.Folder}).");
            }
            catch (MlflowException error)
            {
                failed++;
                output.WriteLine($"{RunsCommand.SpoolId(spool)}: {destination.Location} refused the writes ({error.Message}); " +
                    $"they stay spooled in {spool.Folder}.");
            }
        }
        return failed == 0 ? 0 : 1;
    }

    // Every pending spool, or the one named by its folder, its local offline-… id or the server's run id.
    private static List<Spool> Select(string? which)
    {
        if (which is null) return RunsCommand.Spooled().ToList();
        if (Directory.Exists(which) && Spool.FindAll(which).FirstOrDefault(s => Path.GetFullPath(s.Folder) == Path.GetFullPath(which)) is { } named)
            return [named];
        var matches = Spool.FindAll(RunsCommand.LocalRoot)
            .Where(s => RunsCommand.SpoolId(s) == which || Path.GetFileName(s.Folder) == which).ToList();
        return matches.Count > 0
            ? matches
            : throw new CliException($"No spooled run '{which}' under {RunsCommand.LocalRoot}: " +
                "give a run id that 'dotnet lightning runs list' shows as SPOOLED, or the spool's folder.");
    }

    private static TrackingTarget Target(string to)
    {
        try
        {
            return TrackingTarget.Resolve(to, null, Environment.CurrentDirectory);
        }
        catch (LightningConfigException)
        {
            throw new CliException($"--to '{to}' is not a store this tool writes: " +
                "give a tracking server (http(s)://host:port), or a folder or file: URI for a file store.");
        }
    }

    private static PushedRun Attempt(string where, Func<PushedRun> push)
    {
        try
        {
            return push();
        }
        catch (MlflowException error) when (error.ErrorCode == "TEMPORARILY_UNAVAILABLE" && error.Status == 0)
        {
            throw new CliException($"Could not copy the runs to {where}: {RunsCommand.Unanswered(where, error)}; start it, or give another --to.",
                exitCode: ExitCodes.Failed);
        }
        catch (MlflowException error)
        {
            throw new CliException($"{where} refused the run ({error.Message}).", exitCode: ExitCodes.Failed);
        }
    }

    private static bool SameStore(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);
}
