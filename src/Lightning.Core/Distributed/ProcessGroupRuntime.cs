namespace Lightning.Core.Distributed;

/// <summary>
/// The one process group of this process: MPI may be initialized and finalized only once per process, so every
/// trainer of the process shares it, and it is finalized when the process exits (Open MPI fails a job whose rank
/// exits without MPI_Finalize).
/// </summary>
internal static class ProcessGroupRuntime
{
    private static readonly Lazy<IProcessGroup> Group = new(Start);
    private static volatile bool _abandoned;

    /// <summary>The group for how this process was launched, created on first use.</summary>
    /// <exception cref="DistributedException">The process was launched as a rank but MPI could not be started.</exception>
    public static IProcessGroup Current => Group.Value;

    /// <summary>Leaves MPI unfinalized when the process exits (see <see cref="ProcessGroups.Abandon"/>).</summary>
    public static void Abandon() => _abandoned = true;

    private static IProcessGroup Start()
    {
        var group = ProcessGroups.Create();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (!_abandoned) group.Dispose();
        };
        return group;
    }
}
