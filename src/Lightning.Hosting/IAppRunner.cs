namespace Lightning.Hosting;

/// <summary>Runs one invocation for a module/data-module pair whose batch type is known only at run time.</summary>
internal interface IAppRunner
{
    int Run(AppInvocation invocation);

    /// <summary>Reports a failure of the user's code as one line (the full trace to a log file); returns the exit code.</summary>
    int ReportFailure(Exception error, AppInvocation invocation);
}
