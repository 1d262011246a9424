using Lightning.Benchmarks;

var suites = new Dictionary<string, Action<BenchReport>>
{
    ["engine"] = EngineBenchmarks.Run,
    ["tracking"] = TrackingBenchmarks.Run,
    ["gpu"] = GpuBenchmarks.Run,
    ["sweeps"] = report => { SweepBenchmarks.Run(report); TpeBenchmarks.Run(report); },
    ["sweeps-tpe"] = TpeBenchmarks.Run,
    ["startup"] = StartupBenchmarks.Run,
    ["tracking-system"] = SystemMetricsBenchmark.Run,
    ["data"] = report => { DataBenchmarks.Run(report); ImageDataBenchmarks.Run(report); },
    ["data-images"] = ImageDataBenchmarks.Run,
    ["ddp"] = DdpBenchmarks.Run,
};
if (args is [ReplayServerProcess.Mode]) return ReplayServerProcess.Serve();
if (args.Length == 0 || !suites.ContainsKey(args[0]))
{
    Console.Error.WriteLine($"Usage: dotnet run -c Release --project tests/Lightning.Benchmarks -- <{string.Join("|", suites.Keys)}>");
    return Lightning.Hosting.ExitCodes.Usage;
}
try
{
    Lightning.Core.Native.TorchNative.EnsureLoadable();
}
catch (Lightning.Core.Native.NativeLoadException error)
{
    Console.Error.WriteLine(error.Message);
    return Lightning.Hosting.ExitCodes.Failed;
}
suites[args[0]](new BenchReport(Console.Out));
return 0;
