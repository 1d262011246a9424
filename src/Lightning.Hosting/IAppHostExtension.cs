using Lightning.Core.Callbacks;
using Lightning.Core.Training;

namespace Lightning.Hosting;

/// <summary>
/// Behaviour the app host takes on in one kind of environment (a sweep trial, a cluster job): the callbacks it adds
/// and how it reads a fit's outcome there. The runner knows no environment itself; <see cref="AppHostOptions.Extensions"/> lists them.
/// </summary>
public interface IAppHostExtension
{
    /// <summary>The callbacks this extension adds to a run (none when it does not apply); they run right after the events callback.</summary>
    IEnumerable<Callback> CreateCallbacks(AppHostContext context);

    /// <summary>The fit's result as this environment reads it. Default: unchanged.</summary>
    FitResult MapResult(FitResult result) => result;
}
