namespace Lightning.Core.Hosting;

/// <summary>Runs one invocation for a module/data-module pair whose batch type is known only at run time.</summary>
internal interface IAppRunner
{
    int Run(AppInvocation invocation);
}
