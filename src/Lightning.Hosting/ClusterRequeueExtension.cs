using Lightning.Core.Callbacks;

namespace Lightning.Hosting;

/// <summary>
/// On SIGUSR1 (Slurm's warning before a time limit), saves <c>last.ckpt</c> at the next step boundary and asks Slurm to
/// requeue the job.
/// </summary>
public sealed class ClusterRequeueExtension : IAppHostExtension
{
    /// <inheritdoc />
    public IEnumerable<Callback> CreateCallbacks(AppHostContext context)
    {
        var requeue = new RequeueCallback(context.Error);
        context.OnRequeueRequested(requeue.Request);
        yield return requeue;
    }
}
