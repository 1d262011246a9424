using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using TorchSharp;
using static TorchSharp.torch;

namespace Lightning.Core.Checkpoints;

/// <summary>
/// The <c>.ckpt</c> format: a zip archive (stored, not compressed) with <c>model.safetensors</c> (loadable from Python
/// with <c>zipfile</c> and <c>safetensors</c>), <c>optimizer.bin</c>, <c>rng.bin</c>, <c>state.json</c> and
/// <c>checksums.json</c> (SHA-256 of every other entry). Written to a temporary name, flushed, then renamed, so a crash
/// never leaves a half-written file under the real name. Reading parses data only; nothing in the file is executed.
/// </summary>
public static class CheckpointFile
{
    /// <summary>Value of <c>format</c> in <c>state.json</c>.</summary>
    public const string Format = "lightning-dotnet-checkpoint";
    /// <summary>Version of the layout.</summary>
    public const int FormatVersion = 1;
    private const string WeightsEntry = "model.safetensors";
    private const string OptimizerEntry = "optimizer.bin";
    private const string RngEntry = "rng.bin";
    private const string StateEntry = "state.json";
    private const string ChecksumsEntry = "checksums.json";

    /// <summary>Writes <paramref name="contents"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, CheckpointContents contents)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var entries = new List<(string Name, byte[] Bytes)>
        {
            (WeightsEntry, SerializeWeights(contents.Weights)),
            (RngEntry, contents.RngState),
            (StateEntry, JsonSerializer.SerializeToUtf8Bytes(contents.State, new JsonSerializerOptions { WriteIndented = true })),
        };
        if (contents.OptimizerState is { } optimizer) entries.Add((OptimizerEntry, optimizer));
        var checksums = new JsonObject();
        foreach (var (name, bytes) in entries) checksums[name] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        entries.Add((ChecksumsEntry, Encoding.UTF8.GetBytes(checksums.ToJsonString())));

        var temporary = $"{full}.tmp-{Environment.ProcessId}";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var archive = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var (name, bytes) in entries)
                {
                    using var entry = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
                    entry.Write(bytes);
                }
            }
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Reads and verifies the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointException">The file is missing, truncated, tampered with, or not a checkpoint.</exception>
    public static LoadedCheckpoint Read(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new CheckpointException($"Checkpoint '{full}' does not exist.");
        Dictionary<string, byte[]> entries;
        try
        {
            using var archive = ZipFile.OpenRead(full);
            entries = archive.Entries.ToDictionary(e => e.FullName, ReadAll);
        }
        catch (InvalidDataException error)
        {
            throw new CheckpointException($"Checkpoint '{full}' is truncated or damaged: it is not a readable archive ({error.Message}).", error);
        }

        if (!entries.TryGetValue(ChecksumsEntry, out var checksumBytes) || !entries.ContainsKey(StateEntry) || !entries.ContainsKey(WeightsEntry))
            throw new CheckpointException(
                $"Checkpoint '{full}' is not a Lightning checkpoint: it lacks {ChecksumsEntry}, {StateEntry} or {WeightsEntry}.");
        VerifyChecksums(full, entries, checksumBytes);

        var state = JsonNode.Parse(entries[StateEntry])?.AsObject()
                    ?? throw new CheckpointException($"Checkpoint '{full}' has an empty {StateEntry}.");
        if (state["format"]?.GetValue<string>() != Format || state["format_version"]?.GetValue<int>() is not FormatVersion)
            throw new CheckpointException($"Checkpoint '{full}' has format '{state["format"]}' version {state["format_version"]}; " +
                $"this version reads '{Format}' version {FormatVersion}.");
        return new LoadedCheckpoint(full, entries[WeightsEntry], entries.GetValueOrDefault(OptimizerEntry), entries.GetValueOrDefault(RngEntry) ?? [],
            state);
    }

    private static void VerifyChecksums(string path, Dictionary<string, byte[]> entries, byte[] checksumBytes)
    {
        JsonObject recorded;
        try
        {
            recorded = JsonNode.Parse(checksumBytes)!.AsObject();
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new CheckpointException($"Checkpoint '{path}' failed its integrity check: {ChecksumsEntry} is not valid JSON.", error);
        }
        foreach (var (name, bytes) in entries.Where(e => e.Key != ChecksumsEntry))
        {
            var expected = recorded[name]?.GetValue<string>();
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (expected is null)
                throw new CheckpointException($"Checkpoint '{path}' failed its integrity check: entry '{name}' is not listed in {ChecksumsEntry}.");
            if (expected != actual)
                throw new CheckpointException($"Checkpoint '{path}' failed its integrity check: entry '{name}' has SHA-256 {actual[..12]}… " +
                    $"but {expected[..Math.Min(12, expected.Length)]}… was recorded; the file was modified or damaged.");
        }
        foreach (var listed in recorded.Select(p => p.Key).Where(n => !entries.ContainsKey(n)))
            throw new CheckpointException(
                $"Checkpoint '{path}' failed its integrity check: entry '{listed}' is listed in {ChecksumsEntry} but missing.");
    }

    private static byte[] SerializeWeights(IReadOnlyDictionary<string, Tensor> weights)
    {
        using var stream = new MemoryStream();
        var cpu = weights.ToDictionary(p => p.Key, p => p.Value.device_type == DeviceType.CPU ? p.Value : p.Value.cpu());
        Safetensors.SaveStateDict(stream, cpu, leaveOpen: true);
        return stream.ToArray();
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
