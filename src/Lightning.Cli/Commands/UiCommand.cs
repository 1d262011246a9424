using System.CommandLine;
using Lightning.Hosting;
using Lightning.Hosting.Processes;

namespace Lightning.Cli.Commands;

/// <summary>ui: starts the MLflow UI on the store in use when MLflow is installed, otherwise says how to get it.</summary>
internal static class UiCommand
{
    public static Command Create(TextWriter output)
    {
        var uri = new Option<string?>("--tracking-uri")
        {
            Description = "The store (default: MLFLOW_TRACKING_URI, lightning.yaml's tracking.uri, ./mlruns)."
        };
        var port = new Option<int>("--port") { Description = "Port for the UI.", DefaultValueFactory = _ => 5000 };
        var command = new Command("ui", "Open the MLflow UI on the runs of this project.") { uri, port };
        command.SetAction(result =>
        {
            var target = StoreResolver.Resolve(result.GetValue(uri), Environment.CurrentDirectory);
            if (target.IsServer)
            {
                output.WriteLine($"Runs are on the tracking server {target.Location}: open it in a browser.");
                return ExitCodes.Finished;
            }
            var backend = new Uri(target.Location).AbsoluteUri;
            var mlflow = ExecutableSearch.OnPath("mlflow");
            if (mlflow is null)
            {
                output.WriteLine("MLflow is not installed here. Install it (pip install mlflow) and run:");
                output.WriteLine($"  MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri {backend} --port {result.GetValue(port)}");
                return ExitCodes.Failed;
            }
            // MLflow 3.13+ refuses file stores unless told; older versions ignore the variable.
            Environment.SetEnvironmentVariable("MLFLOW_ALLOW_FILE_STORE", "true");
            return ProcessRunner.Attached(mlflow,
                ["ui", "--backend-store-uri", backend, "--port", result.GetValue(port).ToString(System.Globalization.CultureInfo.InvariantCulture)],
                Environment.CurrentDirectory);
        });
        return command;
    }
}
