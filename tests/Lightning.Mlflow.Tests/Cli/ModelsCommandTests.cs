using Lightning.Hosting;
using Lightning.Mlflow.Replay;
using Lightning.Mlflow.Stores;
using Lightning.Mlflow.Tests.Support;
using Lightning.TestSupport;

namespace Lightning.Mlflow.Tests.Cli;

/// <summary>`dotnet lightning models list|show|register|alias` as a process, against a file store and a server.</summary>
[Trait(TestCategory.Name, TestCategory.Process)]
public sealed class ModelsCommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly ReplayServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void FileStore_RegisterAliasListShow_AndRefusalsInOneSentence()
    {
        var store = new FileStore(_folder.Combine("mlruns"));
        var run = store.CreateRun(new RunRequest("e", "r", "tester", 1, new Dictionary<string, string>()));
        var model = Path.Combine(new Uri(run.ArtifactUri).LocalPath, "model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "MLmodel"), "artifact_path: model\n");

        Assert.Contains("version 1 of 'demo'", Ok(["models", "register", run.RunId, "--name", "demo"]));
        Assert.Contains("version 2 of 'demo'", Ok(["models", "register", run.RunId, "--name", "demo"]));
        Assert.Contains("models:/demo@champion is now version 2.", Ok(["models", "alias", "demo", "champion", "2"]));
        Assert.Matches(@"demo\s+2\s+@champion=2", Ok(["models", "list"]));
        var shown = Ok(["models", "show", "demo"]);
        Assert.Contains($"version 1  READY      run {run.RunId}  {run.ArtifactUri}/model", shown);
        Assert.Contains($"version 2  READY      run {run.RunId}  {run.ArtifactUri}/model  @champion", shown);

        Refused(["models", "show", "nope"], "The registered model 'nope' does not exist in ");
        Refused(["models", "alias", "demo", "latest", "1"], "Alias 'latest' is reserved by MLflow");
        Refused(["models", "alias", "demo", "best", "9"], "Version 9 of registered model 'demo' does not exist");
        Refused(["models", "register", run.RunId, "--name", " "], "A registered model name must not be empty.");
    }

    [Fact]
    public void Server_RegistersWithTheResolvedArtifactUri()
    {
        using var store = new RestStore(_server.Uri, Rest.Fast, _folder.Combine("local"));
        var run = store.CreateRun(new RunRequest("e", "r", "tester", 1, new Dictionary<string, string>()));
        var uri = _server.Uri.AbsoluteUri.TrimEnd('/');
        Assert.Contains("version 1 of 'served'", Ok(["models", "register", run.RunId, "--name", "served", "--tracking-uri", uri]));
        Assert.Equal($"{run.ArtifactUri}/model", Assert.Single(_server.Models["served"].Versions).Source);
        Refused(["models", "show", "nope", "--tracking-uri", uri], "The registered model 'nope' does not exist in ");
    }

    private string Ok(string[] arguments)
    {
        var result = Tool(arguments);
        Assert.True(result.ExitCode == ExitCodes.Finished, result.Output);
        return result.Output;
    }

    private void Refused(string[] arguments, string sentence)
    {
        var result = Tool(arguments);
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith(sentence, result.Output.Trim());
        Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private ChildProcess.Result Tool(IEnumerable<string> arguments) =>
        ChildProcess.Run(_folder.Path, "dotnet", ["exec", Repository.Built("src/Lightning.Cli", "Lightning.Cli.dll"), .. arguments],
            timeout: TimeSpan.FromMinutes(1));
}
