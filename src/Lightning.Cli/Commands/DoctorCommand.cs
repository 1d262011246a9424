using System.CommandLine;
using Lightning.Mlflow.Stores;

namespace Lightning.Cli.Commands;

/// <summary>
/// doctor: one line per check (.NET, project, build, torch native load and CUDA in the built app, tracking store); exit
/// 0 only if all pass.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(TextWriter output)
    {
        var project = new Option<string?>("--project")
        {
            Description = "The project (.csproj or its folder); default: the one in the current folder."
        };
        var command = new Command("doctor",
            "Check .NET, the project build, TorchSharp's native load (with the libstdc++ fix), CUDA and the tracking store.") { project };
        command.SetAction(result =>
        {
            var failures = 0;
            void Line(bool ok, string name, string detail)
            {
                if (!ok) failures++;
                output.WriteLine($"{(ok ? "ok  " : "FAIL")} {name}: {detail}");
            }

            Line(true, "dotnet", $".NET {Environment.Version} on {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
            // One verdict per check: a project that is found but does not build is "ok project", then "FAIL build".
            ProjectApp? app = null;
            try
            {
                app = new ProjectApp(ProjectLocator.Find(result.GetValue(project), Environment.CurrentDirectory));
                Line(true, "project", app.Project);
            }
            catch (CliException error)
            {
                Line(false, "project", error.Message);
            }
            if (app is not null) Build(app, output, Line, () => failures++);
            Tracking(app?.Folder ?? Environment.CurrentDirectory, Line);
            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    private static void Build(ProjectApp app, TextWriter output, Action<bool, string, string> line, Action failed)
    {
        string path;
        try
        {
            path = app.Build(TextWriter.Null);
        }
        catch (BuildFailedException error)
        {
            line(false, "build", error.Message);
            return;
        }
        line(true, "build", path);
        // The app's own doctor prints its lines (native, libtorch, CUDA) with their verdicts.
        var report = ProcessRunner.Capture("dotnet", ["exec", path, "doctor"], app.Folder);
        foreach (var text in report.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)) output.WriteLine(text.TrimEnd());
        if (report.ExitCode != 0) failed();
    }

    private static void Tracking(string folder, Action<bool, string, string> line)
    {
        try
        {
            var target = StoreResolver.Resolve(null, folder);
            if (target.IsServer)
            {
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
                var health = client.GetAsync(target.Location.TrimEnd('/') + "/health").GetAwaiter().GetResult();
                line(health.IsSuccessStatusCode, "tracking", $"{target.Location} answered {(int)health.StatusCode} to /health");
                return;
            }
            // A check must not leave a store behind: a missing one is probed through the folder that will hold it.
            if (!Directory.Exists(target.Location))
            {
                var parent = Path.GetDirectoryName(target.Location);
                while (parent is not null && !Directory.Exists(parent)) parent = Path.GetDirectoryName(parent);
                Probe(parent ?? "/");
                line(true, "tracking", $"file store {target.Location} does not exist yet; the first run creates it ({parent} is writable)");
                return;
            }
            Probe(target.Location);
            line(true, "tracking", $"file store {target.Location} is writable ({FileStoreReader.Runs(target.Location).Count} runs)");
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or IOException or UnauthorizedAccessException
            or Core.Configuration.LightningConfigException)
        {
            line(false, "tracking", error.Message);
        }
    }

    private static void Probe(string folder)
    {
        var probe = Path.Combine(folder, $".doctor-{Environment.ProcessId}");
        File.WriteAllText(probe, "ok");
        File.Delete(probe);
    }
}
