using System.Runtime.ExceptionServices;

namespace Lightning.Core.Data;

/// <summary>
/// Runs the batches <c>first</c> .. <c>end</c> - 1 of an epoch on worker threads and hands them out strictly in batch
/// order, so the result does not depend on the worker count. A worker claims the next batch number and, under the same
/// lock, takes its job (the sample indices, or the next rows of a stream, which must be read in order); it builds the
/// batch outside the lock. At most workers × prefetch batches are claimed and not yet handed out. The first error
/// stops every worker and is rethrown to the consumer; stopping the enumeration cancels and joins the workers.
/// </summary>
/// <typeparam name="TJob">What a worker needs to build one batch.</typeparam>
/// <typeparam name="TBatch">The batch.</typeparam>
internal sealed class OrderedWorkers<TJob, TBatch> where TBatch : IDisposable
{
    /// <summary>The prefix of every worker thread's name, so a leak is visible in a debugger or a thread dump.</summary>
    public const string ThreadName = "Lightning loader worker";

    private readonly Func<long, TJob> _take;
    private readonly Func<TJob, CancellationToken, TBatch> _build;
    private readonly long _end;
    private readonly int _capacity;
    private readonly TBatch?[] _slots;
    private readonly bool[] _ready;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread[] _threads;
    private long _next;
    private long _consumed;
    private bool _stopped;
    private ExceptionDispatchInfo? _failure;

    private OrderedWorkers(long first, long end, int workers, int prefetch, Func<long, TJob> take, Func<TJob, CancellationToken, TBatch> build)
    {
        _take = take;
        _build = build;
        _end = end;
        _next = _consumed = first;
        _capacity = workers * prefetch;
        _slots = new TBatch?[_capacity];
        _ready = new bool[_capacity];
        _threads = new Thread[workers];
        for (var i = 0; i < workers; i++)
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"{ThreadName} {i + 1}" };
    }

    /// <summary>The batches in order; with 0 workers they are built on the consumer's thread as it asks for them.</summary>
    public static IEnumerable<TBatch> Run(
        long first, long end, int workers, int prefetch, Func<long, TJob> take, Func<TJob, CancellationToken, TBatch> build)
    {
        if (workers == 0)
        {
            for (var batch = first; batch < end; batch++) yield return build(take(batch), CancellationToken.None);
            yield break;
        }
        var run = new OrderedWorkers<TJob, TBatch>(first, end, workers, prefetch, take, build);
        try
        {
            foreach (var thread in run._threads) thread.Start();
            for (var batch = first; batch < end; batch++) yield return run.Next(batch);
        }
        finally
        {
            run.Stop();
        }
    }

    private TBatch Next(long batch)
    {
        var slot = (int)(batch % _capacity);
        lock (_gate)
        {
            while (!_ready[slot])
            {
                _failure?.Throw();
                Monitor.Wait(_gate);
            }
            var ready = _slots[slot]!;
            _slots[slot] = default;
            _ready[slot] = false;
            _consumed = batch + 1;
            Monitor.PulseAll(_gate);
            return ready;
        }
    }

    private void Work()
    {
        var token = _stop.Token;
        while (true)
        {
            long batch;
            TJob job;
            lock (_gate)
            {
                while (!_stopped && _failure is null && _next < _end && _next - _consumed >= _capacity) Monitor.Wait(_gate);
                if (_stopped || _failure is not null || _next >= _end) return;
                batch = _next++;
                if (!TryRun(() => _take(batch), out job)) return;
            }
            if (!TryRun(() => _build(job, token), out var built)) return;
            lock (_gate)
            {
                if (_stopped)
                {
                    built.Dispose();
                    return;
                }
                _slots[batch % _capacity] = built;
                _ready[batch % _capacity] = true;
                Monitor.PulseAll(_gate);
            }
        }
    }

    // Runs one step of a worker; an error (other than the stop's own cancellation) becomes the epoch's one failure.
    private bool TryRun<T>(Func<T> step, out T result)
    {
        try
        {
            result = step();
            return true;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            result = default!;
            return false;
        }
        catch (Exception error)
        {
            lock (_gate)
            {
                _failure ??= ExceptionDispatchInfo.Capture(error);
                Monitor.PulseAll(_gate);
            }
            result = default!;
            return false;
        }
    }

    // Called when the consumer is done, breaks off or fails: no worker outlives the enumeration.
    private void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
        _stop.Cancel();
        foreach (var thread in _threads)
            if (thread.ThreadState != ThreadState.Unstarted) thread.Join();
        for (var i = 0; i < _capacity; i++)
            if (_ready[i]) _slots[i]!.Dispose();
        _stop.Dispose();
    }
}
