using Lightning.TestSupport;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Lightning.Core.Callbacks;
using Lightning.Core.Checkpoints;
using Lightning.Core.Tests.Support;
using Lightning.Core.Training;

namespace Lightning.Core.Tests.Checkpoints;

public sealed class CheckpointFileTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private string Train(int hidden = 8)
    {
        var checkpoint = new ModelCheckpoint(new ModelCheckpointOptions { DirPath = _root.Combine("ckpt") });
        var result = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 2 }, [checkpoint]).Fit(new MlpModule(hidden: hidden), new RandomData());
        Assert.Equal(RunOutcome.Finished, result.Outcome);
        return _root.Combine("ckpt", "last.ckpt");
    }

    [Fact]
    public void Write_HoldsEveryPartAndLeavesNoTemporaryFile()
    {
        var path = Train();
        using (var archive = ZipFile.OpenRead(path))
            Assert.Equal(["checksums.json", "model.safetensors", "optimizer.bin", "rng.bin", "state.json"],
                archive.Entries.Select(e => e.FullName).Order());
        Assert.Empty(Directory.GetFiles(_root.Combine("ckpt"), "*.tmp-*"));
        var state = CheckpointFile.Read(path).State;
        // Validating once per epoch, it is saved after the epoch-end hooks (Lightning's order): it resumes at the next epoch.
        Assert.Equal(2, state["progress"]!["epoch"]!.GetValue<int>());
        Assert.Equal(0, state["progress"]!["batch_in_epoch"]!.GetValue<long>());
        Assert.Equal(32, state["progress"]!["global_step"]!.GetValue<long>());
        Assert.Equal(42, state["progress"]!["seed"]!.GetValue<long>());
        Assert.NotNull(state["versions"]!["torchsharp"]);
        Assert.NotNull(state["callbacks"]!["ModelCheckpoint{monitor=,mode=Min}"]);
    }

    [Fact]
    public void Weights_AreSafetensorsThatPythonReads()
    {
        // safetensors: 8-byte little-endian header length, a JSON header (dtype, shape, data_offsets), then raw data.
        using var archive = ZipFile.OpenRead(Train());
        using var stream = archive.GetEntry("model.safetensors")!.Open();
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        var data = bytes.ToArray();
        var headerLength = (int)BitConverter.ToUInt64(data, 0);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(data, 8, headerLength))!.AsObject();
        Assert.Equal("F32", header["_first.weight"]!["dtype"]!.GetValue<string>());
        Assert.Equal([8, 4], header["_first.weight"]!["shape"]!.AsArray().Select(x => x!.GetValue<int>()));
        Assert.Equal(8 + headerLength + header.Where(p => p.Key != "__metadata__").Max(p => p.Value!["data_offsets"]![1]!.GetValue<long>()),
            data.Length);
    }

    [Fact]
    public void Read_TruncatedFile_NamesFileAndCheck()
    {
        var path = Train();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Read_TamperedWeights_NamesEntryAndIntegrityCheck()
    {
        var path = Train();
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = archive.GetEntry("model.safetensors")!;
            byte[] content;
            using (var read = entry.Open())
            using (var copy = new MemoryStream())
            {
                read.CopyTo(copy);
                content = copy.ToArray();
            }
            content[^1] ^= 0xFF;
            entry.Delete();
            using var write = archive.CreateEntry("model.safetensors", CompressionLevel.NoCompression).Open();
            write.Write(content);
        }
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("integrity check", error.Message);
        Assert.Contains("'model.safetensors'", error.Message);
    }

    [Fact]
    public void Read_NotAZip_IsAClearError()
    {
        var path = _root.Combine("bogus.ckpt");
        File.WriteAllText(path, "print('hello')");
        Assert.Contains("truncated or damaged", Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path)).Message);
    }

    [Fact]
    public void Load_OtherArchitecture_NamesFirstMismatchedTensorAndShapes()
    {
        var path = Train(hidden: 8);
        var error = Assert.Throws<CheckpointException>(() => CheckpointFile.Read(path).LoadWeightsInto(new MlpModule(hidden: 16)));
        Assert.Contains("tensor '_first.weight' is [8, 4] in the checkpoint but [16, 4] in the model", error.Message);
    }

    [Fact]
    public void Fit_FromOtherArchitecture_FailsWithoutTraining()
    {
        var path = Train(hidden: 8);
        var tracker = new RecordingTracker(_root.Path);
        var error = Assert.Throws<CheckpointException>(
            () => new Trainer(Quiet.Options(_root.Path), tracker: tracker).Fit(new MlpModule(hidden: 16), new RandomData(), path));
        Assert.Contains("does not fit the model", error.Message);
        Assert.Null(tracker.Start);
    }

    [Fact]
    public void Fit_FromCheckpoint_ContinuesWhereItStopped()
    {
        var path = Train();
        var record = new RecordingCallback();
        var result = new Trainer(Quiet.Options(_root.Path) with { MaxEpochs = 3 }, [record]).Fit(new MlpModule(), new RandomData(), path);
        Assert.Equal(48, result.GlobalStep);
        Assert.Equal(16, record.TrainBatches);
    }
}
