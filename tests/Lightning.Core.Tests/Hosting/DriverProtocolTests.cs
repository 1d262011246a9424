using Lightning.Hosting;
using Lightning.TestSupport;

namespace Lightning.Core.Tests.Hosting;

/// <summary>
/// The events file's records: what the writer puts on disk is what the reader gives back, and files written before the
/// records read too.
/// </summary>
public sealed class DriverProtocolTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public void EveryEvent_ReadsBackAsWritten_NaNAndInfinitiesIncluded()
    {
        var path = _work.Combine("events.jsonl");
        DriverEvent[] written =
        [
            new RunStarted("run-1", "file:///tmp/mlruns"),
            new EpochEnded(0, 10, new Dictionary<string, double> { ["train_loss"] = 0.5, ["val_loss"] = double.NaN }, Validated: false),
            new CheckpointSaved("/tmp/last.ckpt", double.PositiveInfinity),
            new RunFinished(RunFinishedStatus.Pruned, new BestCheckpoint("/tmp/best.ckpt", "val_loss", 0.25),
                new Dictionary<string, double> { ["val_loss"] = 0.25 }, "pruned"),
        ];
        using (var events = new EventsFile(path))
            foreach (var driverEvent in written) events.Write(driverEvent);

        var read = EventsReader.ReadAll(path);
        Assert.Equal(written.Length, read.Count);
        Assert.Equal(written[0], read[0]);
        var epoch = Assert.IsType<EpochEnded>(read[1]);
        Assert.Equal((0, 10L, false), (epoch.Epoch, epoch.Step, epoch.Validated));
        Assert.Equal(0.5, epoch.Metrics["train_loss"]);
        Assert.True(double.IsNaN(epoch.Metrics["val_loss"]));
        Assert.Equal(written[2], read[2]);
        var finished = Assert.IsType<RunFinished>(read[3]);
        Assert.Equal((RunFinishedStatus.Pruned, new BestCheckpoint("/tmp/best.ckpt", "val_loss", 0.25), "pruned"),
            (finished.Status, finished.Best, finished.Message));
        Assert.Equal(0.25, finished.Metrics["val_loss"]);
    }

    [Fact]
    public void AFileWrittenBeforeTheRecords_ReadsTheSame_FieldNamesUnchanged()
    {
        var path = _work.Combine("old.jsonl");
        // Lines as the app wrote them before the protocol had records (and before epoch_end said whether validation ran).
        File.WriteAllLines(path,
        [
            """{"event":"run_started","run_id":"abc","tracking_uri":"http://127.0.0.1:5000"}""",
            """{"event":"epoch_end","epoch":1,"step":20,"metrics":{"val_loss":"Infinity"}}""",
            """{"event":"checkpoint","path":"a.ckpt","score":null}""",
            """{"event":"something_newer","x":1}""",
            """{"event":"finished","status":"FINISHED","best":{"checkpoint":null,"monitor":null,"score":null},"metrics":{},"message":null}""",
        ]);

        var read = EventsReader.ReadAll(path);

        Assert.Equal(new RunStarted("abc", "http://127.0.0.1:5000"), read[0]);
        var epoch = Assert.IsType<EpochEnded>(read[1]);
        Assert.True(epoch.Validated);
        Assert.Equal(double.PositiveInfinity, epoch.Metrics["val_loss"]);
        Assert.Equal(new CheckpointSaved("a.ckpt", null), read[2]);
        // The unknown event is skipped, not an error.
        var finished = Assert.IsType<RunFinished>(read[3]);
        Assert.Equal((RunFinishedStatus.Finished, BestCheckpoint.None), (finished.Status, finished.Best));
        // And the writer writes those names back: the line's first field is its event.
        Assert.StartsWith("""{"event":"epoch_end","epoch":1,"step":20,"metrics":{"val_loss":"Infinity"},"validated":true}""",
            EventsFile.ToJson(epoch).ToJsonString());
    }

    [Fact]
    public void ALineStillBeingWritten_WaitsForItsNewline()
    {
        var path = _work.Combine("partial.jsonl");
        var reader = new EventsReader(path);
        File.WriteAllText(path, """{"event":"run_started","run_id":null,"tracking_uri":"x"}""" + "\n" + """{"event":"checkpoint","pa""");
        Assert.IsType<RunStarted>(Assert.Single(reader.ReadNew()));
        Assert.Empty(reader.ReadNew());
        File.AppendAllText(path, "th\":\"b.ckpt\",\"score\":1}\n");
        Assert.Equal(new CheckpointSaved("b.ckpt", 1), Assert.Single(reader.ReadNew()));
    }
}
