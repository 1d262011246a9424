using Lightning.Core.Callbacks;
using Lightning.Hosting.Processes;
using Lightning.Core.Training;

namespace Lightning.Hosting;

/// <summary>On SIGUSR1: at the next optimizer-step boundary, saves <c>last.ckpt</c> and asks Slurm to requeue the job.</summary>
internal sealed class RequeueCallback(TextWriter error, IProcessRunner? runner = null) : Callback
{
    private volatile bool _requested;

    public void Request() => _requested = true;

    public override void OnTrainBatchEnd(ITrainerView trainer, TorchSharp.torch.Tensor loss, long batchIndex, long batchSize)
    {
        if (!_requested || trainer.BatchInEpoch % trainer.Options.AccumulateGradBatches != 0) return;
        _requested = false;
        var path = Path.Combine(trainer.RunDirectory, "checkpoints", "last.ckpt");
        trainer.SaveCheckpoint(path);
        trainer.ReportCheckpoint(path, null);
        if (Environment.GetEnvironmentVariable("SLURM_JOB_ID") is not { Length: > 0 } job) return;
        try
        {
            var spec = new ProcessSpec("scontrol", ["requeue", job]) { Output = ProcessOutput.Inherit };
            using var requeue = (runner ?? SystemProcessRunner.Instance).Start(spec);
            requeue.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (System.ComponentModel.Win32Exception failure)
        {
            error.WriteLine($"Saved {path}, but could not run 'scontrol requeue {job}': {failure.Message}.");
        }
    }
}
