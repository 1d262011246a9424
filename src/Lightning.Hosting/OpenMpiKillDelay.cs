using System.Globalization;

namespace Lightning.Hosting;

/// <summary>
/// How long Open MPI's mpirun waits between the SIGTERM it sends every rank (when one died, or it was interrupted) and
/// its SIGKILL: <c>odls_base_sigkill_timeout</c>, one second unless set. A rank that cannot reach a step boundary exits
/// before it, keeping time to record its run's end.
/// </summary>
internal static class OpenMpiKillDelay
{
    /// <summary>The environment variable that sets it, in seconds.</summary>
    public const string Variable = "OMPI_MCA_odls_base_sigkill_timeout";

    /// <summary>When a rank that has not reached a step boundary exits after the SIGTERM: 60 % of the delay, at least 0.3 s.</summary>
    public static TimeSpan ExitBefore(Func<string, string?> variable)
    {
        var seconds = int.TryParse(variable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var set) && set > 0 ? set : 1;
        return TimeSpan.FromSeconds(Math.Max(0.3, seconds * 0.6));
    }
}
