namespace Lightning.TestSupport;

/// <summary>
/// Open MPI and MPICH as scripts/mpi.sh installs them (Debian's packages, one apt-get, once per test run), and their
/// launchers. If they cannot be installed, <see cref="EnsureInstalled"/> throws with the script's reason: a test that
/// needs MPI fails, it is never skipped.
/// </summary>
public static class MpiRuntime
{
    private static readonly Lazy<ChildProcess.Result> Installation = new(() =>
        ChildProcess.Run(Repository.Root, "bash", [Path.Combine(Repository.Root, "scripts", "mpi.sh"), "install"],
            timeout: TimeSpan.FromMinutes(10)));

    /// <exception cref="InvalidOperationException">MPI is missing and could not be installed.</exception>
    public static void EnsureInstalled()
    {
        var result = Installation.Value;
        if (result.ExitCode != 0) throw new InvalidOperationException($"Open MPI and MPICH could not be installed:\n{result.Output}");
    }

    /// <summary>Runs <c>dotnet <paramref name="dll"/></c> as <paramref name="ranks"/> processes under Open MPI's mpirun.</summary>
    /// <param name="onLine">Called with each line of the job's output as it arrives.</param>
    public static ChildProcess.Result RunOpenMpi(int ranks, string dll, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? onLine = null)
    {
        EnsureInstalled();
        // As root (containers, CI) Open MPI refuses to start without --allow-run-as-root; --oversubscribe lets two ranks
        // share a machine with fewer free cores.
        string[] launcher = ["--allow-run-as-root", "--oversubscribe", "-np", ranks.ToString(), "dotnet", dll];
        return Run("mpirun.openmpi", [.. launcher, .. arguments], environment, onLine);
    }

    /// <summary>Runs <c>dotnet <paramref name="dll"/></c> as <paramref name="ranks"/> processes under MPICH's Hydra.</summary>
    public static ChildProcess.Result RunMpich(int ranks, string dll, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        EnsureInstalled();
        return Run("mpirun.mpich", ["-np", ranks.ToString(), "dotnet", dll, .. arguments], environment);
    }

    private static ChildProcess.Result Run(string launcher, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment,
        Action<string>? onLine = null)
    {
        var variables = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) variables[key] = value;
        return ChildProcess.Run(Repository.Root, launcher, arguments, variables, onLine is null ? null : (line, _) => onLine(line),
            timeout: TimeSpan.FromMinutes(3));
    }
}
