using Lightning.Core.Tracking;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Writing;

namespace Lightning.Mlflow;

public sealed partial class MlflowTracker
{
    private abstract record Command;
    private sealed record BatchCommand(LogBatch Batch) : Command;
    private sealed record ArtifactCommand(string LocalPath, string ArtifactPath) : Command;
    private sealed record DeleteCommand(string ArtifactPath) : Command;
    private sealed record InputsCommand(IReadOnlyList<DatasetInput> Inputs) : Command;
    private sealed record EndCommand(RunStatus Status, long EndTimeMs) : Command;
    private sealed record ReopenCommand : Command;
    private sealed record BarrierCommand(ManualResetEventSlim Done) : Command;

    private void WriteLoop()
    {
        var reader = _queue.Reader;
        var pending = new List<BatchCommand>();
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var command))
            {
                if (command is BatchCommand batch)
                {
                    pending.Add(batch);
                    continue;
                }
                Guarded(() => SendBatches(pending));
                Guarded(() => Execute(command));
            }
            Guarded(() => SendBatches(pending));
            if (_offline && _options.Time.GetElapsedTime(_lastProbe) >= _options.ProbeInterval) Guarded(TryDeliverSpool);
            if (!_ended) Task.Delay(_options.FlushInterval, _options.Time).GetAwaiter().GetResult();
        }
    }

    // An exception escaping the writer thread would end the process, and with it the training: whatever a command
    // throws that Deliver does not expect (a bug, a full disk while spooling) is a warning, and the writer goes on.
    private void Guarded(Action action)
    {
        try
        {
            action();
        }
        catch (Exception error)
        {
            Warn($"MLflow tracking skipped a write after an unexpected error (training goes on): {error.GetType().Name}: {error.Message}");
        }
    }

    // Everything queued since the last send goes out as one batch (split to the server's limits by the store).
    private void SendBatches(List<BatchCommand> pending)
    {
        if (pending.Count == 0) return;
        var batch = new LogBatch(
            pending.SelectMany(b => b.Batch.Metrics).ToList(),
            pending.SelectMany(b => b.Batch.Params).DistinctBy(p => p.Key).ToList(),
            pending.SelectMany(b => b.Batch.Tags).Reverse().DistinctBy(t => t.Key).Reverse().ToList());
        pending.Clear();
        Deliver(() => _store.LogBatch(_run!.RunId, batch.Metrics, batch.Params, batch.Tags), () => _spool!.AppendBatch(batch),
            batch.Metrics.Count, batch.Params.Count, 0);
    }

    private void Execute(Command command)
    {
        switch (command)
        {
            case ArtifactCommand artifact when !File.Exists(artifact.LocalPath):
                // Dropped locally (a checkpoint that left the top-k) before its turn came: its delete follows.
                break;
            case ArtifactCommand artifact:
                Deliver(() => _store.UploadArtifact(_run!, artifact.LocalPath, artifact.ArtifactPath),
                    () => _spool!.AppendArtifact(artifact.LocalPath, artifact.ArtifactPath), 0, 0, 1);
                break;
            case InputsCommand inputs:
                Deliver(() => _store.LogInputs(_run!.RunId, inputs.Inputs), () => _spool!.AppendInputs(inputs.Inputs), 0, 0, 0);
                break;
            case DeleteCommand delete:
                Deliver(() => _store.DeleteArtifact(_run!, delete.ArtifactPath), () => _spool!.AppendDelete(delete.ArtifactPath), 0, 0, 0);
                break;
            case EndCommand end:
                if (!_exiting) DrawLearningCurves();
                if (_offline) TryDeliverSpool();
                Deliver(() => _store.UpdateRun(_run!.RunId, end.Status, end.EndTimeMs),
                    () => _spool!.AppendStatus(end.Status, end.EndTimeMs), 0, 0, 0);
                Summarize(end.Status);
                break;
            case ReopenCommand:
                Deliver(() => _store.UpdateRun(_run!.RunId, RunStatus.Running, 0), () => _spool!.AppendStatus(RunStatus.Running, 0), 0, 0, 0);
                break;
            case ModelCommand model:
                LogModelNow(model.Model);
                break;
            case BarrierCommand barrier:
                barrier.Done.Set();
                break;
        }
    }

    private void Deliver(Action send, Action spool, int points, int parameters, int artifacts)
    {
        if (_offline || _run is null)
        {
            spool();
            return;
        }
        try
        {
            send();
            _sentPoints += points;
            _sentParams += parameters;
            _sentArtifacts += artifacts;
        }
        catch (MlflowException error) when (_store.IsRemote && IsTransient(error))
        {
            GoOffline(error);
            spool();
        }
        catch (Exception error) when (error is MlflowException or IOException or ArgumentException)
        {
            // The server refused this write for good (a changed param, say); training goes on.
            Warn($"MLflow refused a write and it is skipped: {error.Message}");
        }
    }

    private void GoOffline(MlflowException error)
    {
        _offline = true;
        _lastProbe = _options.Time.GetTimestamp();
        // The client's message already names the server; the cause alone keeps the sentence from saying the address twice.
        var cause = error.InnerException?.Message ?? error.Message;
        Warn($"MLflow server {_store.Uri} is unreachable ({cause}); training goes on offline as run {RunId}, " +
            $"its writes kept in {_spool?.Folder} and delivered when the server answers.");
    }

    private void TryDeliverSpool()
    {
        _lastProbe = _options.Time.GetTimestamp();
        try
        {
            var pending = _spool!.Summary();
            var (_, points) = _spool.Replay(_store);
            _sentPoints += points;
            _sentParams += pending.Params;
            _sentArtifacts += pending.Artifacts;
            _run ??= _spool.Run();
            _offline = false;
            Warn($"MLflow server {_store.Uri} answers again; the spooled writes were delivered.");
        }
        catch (MlflowException error) when (IsTransient(error))
        {
        }
    }

    private void DrawLearningCurves()
    {
        if (_curves.Count == 0) return;
        try
        {
            var path = Path.Combine(RunDirectory, "plots", "learning_curves.png");
            if (!Plots.LearningCurvePlot.Render(_curves, path)) return;
            Deliver(() => _store.UploadArtifact(_run!, path, "plots/learning_curves.png"),
                () => _spool!.AppendArtifact(path, "plots/learning_curves.png"), 0, 0, 1);
        }
        catch (Exception error) when (error is IOException or InvalidOperationException or TypeInitializationException or DllNotFoundException)
        {
            Warn($"The learning-curve plot could not be drawn ({error.Message}); the metrics themselves are recorded.");
        }
    }

    // The closing line: what reached the store, what did not, and the command that delivers the rest.
    private void Summarize(RunStatus status)
    {
        // The status as the MLflow UI shows it, so a failed run's line does not read as a success.
        var run = $"{RunId} ({status.ToString().ToUpperInvariant()})";
        var sent = $"{Counted.Of(_sentPoints, "metric point")}, {Counted.Of(_sentParams, "param")}, {Counted.Of(_sentArtifacts, "artifact")}";
        if (_spool is not { HasPending: true } spool)
        {
            Inform($"MLflow: run {run} recorded in {_store.Uri}: {sent} sent; nothing spooled.");
            return;
        }
        var reached = _run is null ? $"{_store.Uri} never answered, nothing was sent" : $"sent to {_store.Uri}: {sent}";
        Warn($"MLflow: run {run}: {reached}; spooled in {spool.Folder}: {spool.Summary()}. " +
            $"Deliver them with: dotnet lightning runs push {Quote(spool.Folder)}");
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
