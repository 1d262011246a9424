using Lightning.Mlflow.SystemMetrics;
using Lightning.Mlflow.Writing;

namespace Lightning.Mlflow;

public sealed partial class MlflowTracker
{
    // Starts MLflow's system metrics for this run when asked for; a continued run goes on from its last system step,
    // as MLflow's monitor does when it resumes logging.
    private void StartSystemMetrics(bool resumed)
    {
        if (_options.SystemMetricsInterval is not { } interval) return;
        long? first = null;
        if (resumed && _run is not null && !_offline)
        {
            try
            {
                var history = _store.MetricHistory(_run.RunId, SystemMetricsSampler.Prefix + "cpu_utilization_percentage");
                if (history.Count > 0) first = history.Max(p => p.Step) + 1;
            }
            catch (Exception error) when (error is Stores.MlflowException or IOException)
            {
                // Unknown: the steps start at 0 again, which only interleaves the charts' points.
            }
        }
        // A sample that lands after Dispose closed the queue is dropped: the run is over.
        _sampler = new SystemMetricsSampler(interval, RunDirectory, points => _queue.Writer.TryWrite(new BatchCommand(new LogBatch(points, [], []))),
            Warn, _options.Time);
        _sampler.Start(first);
    }
}
