using System.Globalization;

namespace Lightning.Mlflow.SystemMetrics;

/// <summary>
/// Reads what MLflow's system-metrics monitor reads (through psutil there, from <c>/proc</c> and the file system here),
/// in its units (MB = 10^6 bytes) and under its names. A file that cannot be read skips its metrics; nothing throws.
/// </summary>
internal sealed class SystemProbe(string procRoot, string diskPath, Nvml? gpus)
{
    private (ulong Busy, ulong Total)? _cpu;
    private (ulong Received, ulong Sent)? _network;

    /// <summary>Takes the baselines: CPU use and network traffic are measured from here on.</summary>
    public void Reset()
    {
        _cpu = ReadCpu();
        _network = ReadNetwork();
    }

    /// <summary>One sample: metric name (without <c>system/</c>) and value, rounded as MLflow rounds it.</summary>
    public List<KeyValuePair<string, double>> Read()
    {
        var values = new List<KeyValuePair<string, double>>();
        if (ReadCpu() is { } cpu)
        {
            // No tick counted since the last reading reads 0.0, as psutil's cpu_percent answers then.
            if (_cpu is { } before)
                Add(values, "cpu_utilization_percentage",
                    cpu.Total > before.Total ? Round(100.0 * (cpu.Busy - before.Busy) / (cpu.Total - before.Total)) : 0.0);
            _cpu = cpu;
        }
        if (ReadMemory() is { } memory)
        {
            Add(values, "system_memory_usage_megabytes", Round(memory.UsedBytes / 1e6));
            Add(values, "system_memory_usage_percentage", Round(100.0 * memory.UsedBytes / memory.TotalBytes));
        }
        if (ReadDisk() is { } disk)
        {
            Add(values, "disk_usage_percentage", Round(100.0 * disk.Used / (disk.Used + disk.Available)));
            Add(values, "disk_usage_megabytes", Round(disk.Used / 1e6));
            Add(values, "disk_available_megabytes", Round(disk.Available / 1e6));
        }
        if (ReadNetwork() is { } network && _network is { } start)
        {
            // Megabytes since monitoring started, unrounded, as MLflow logs them.
            Add(values, "network_receive_megabytes", (network.Received - start.Received) / 1e6);
            Add(values, "network_transmit_megabytes", (network.Sent - start.Sent) / 1e6);
        }
        foreach (var gpu in gpus?.Read() ?? [])
        {
            Add(values, $"gpu_{gpu.Index}_memory_usage_percentage", Round(100.0 * gpu.UsedBytes / gpu.TotalBytes));
            Add(values, $"gpu_{gpu.Index}_memory_usage_megabytes", Round(gpu.UsedBytes / 1e6));
            Add(values, $"gpu_{gpu.Index}_utilization_percentage", Round(gpu.UtilizationPercent));
        }
        return values;
    }

    private static void Add(List<KeyValuePair<string, double>> values, string name, double value)
    {
        if (double.IsFinite(value)) values.Add(KeyValuePair.Create(name, value));
    }

    private static double Round(double value) => Math.Round(value, 1, MidpointRounding.ToEven);

    // The "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal (guest time is inside user).
    private (ulong Busy, ulong Total)? ReadCpu()
    {
        var line = ReadLines("stat")?.FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        if (line is null) return null;
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(ParseOrZero).ToArray();
        if (fields.Length < 5) return null;
        var total = fields.Aggregate(0UL, (sum, value) => sum + value);
        return (total - fields[3] - fields[4], total);
    }

    // psutil's "used": total - free - buffers - cached (page cache plus reclaimable slab).
    private (double UsedBytes, double TotalBytes)? ReadMemory()
    {
        var lines = ReadLines("meminfo");
        if (lines is null) return null;
        var kb = lines.Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => ParseOrZero(p[1].Trim().Split(' ')[0]) * 1024.0);
        if (!kb.TryGetValue("MemTotal", out var total) || total <= 0 || !kb.TryGetValue("MemFree", out var free)) return null;
        var used = total - free - kb.GetValueOrDefault("Buffers") - kb.GetValueOrDefault("Cached") - kb.GetValueOrDefault("SReclaimable");
        return (used < 0 ? total - free : used, total);
    }

    // Bytes received and sent over every interface (loopback included, as psutil counts them).
    private (ulong Received, ulong Sent)? ReadNetwork()
    {
        var lines = ReadLines("net/dev");
        if (lines is null) return null;
        ulong received = 0, sent = 0;
        foreach (var line in lines.Where(l => l.Contains(':', StringComparison.Ordinal)))
        {
            var fields = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 9) continue;
            received += ParseOrZero(fields[0]);
            sent += ParseOrZero(fields[8]);
        }
        return (received, sent);
    }

    // The file system holding the run's folder; used and available as statvfs reports them (psutil's disk_usage).
    private (double Used, double Available)? ReadDisk()
    {
        try
        {
            var drive = new DriveInfo(diskPath);
            return (drive.TotalSize - drive.TotalFreeSpace, drive.AvailableFreeSpace);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private string[]? ReadLines(string name)
    {
        try
        {
            return File.ReadAllLines(Path.Combine(procRoot, name));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static ulong ParseOrZero(string text) => ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
