using System.Globalization;
using System.Text.RegularExpressions;
using Lightning.TestSupport;

namespace Lightning.EndToEnd.Tests;

/// <summary>The one-file sample runs as a user runs it (<c>dotnet run seed.cs</c>) against the freshly packed Lightning.Core.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed partial class SampleTests(Workspace workspace)
{
    [Fact]
    public void Seed_TrainsAsAOneFileProgram()
    {
        var folder = Directory.CreateDirectory(Path.Combine(workspace.Root, "sample-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var source = File.ReadAllText(Path.Combine(Repository.Root, "samples", "seed.cs"));
        var pinned = PackageLine().Replace(source, $"#:package Lightning.Core@{workspace.Version}");
        Assert.NotEqual(source, pinned);
        File.WriteAllText(Path.Combine(folder, "seed.cs"), pinned);
        File.WriteAllText(Path.Combine(folder, "nuget.config"),
            $"<configuration><packageSources><add key=\"lightning-sample\" value=\"{workspace.Feed}\" /></packageSources></configuration>");

        var result = Workspace.Must(Workspace.Run(folder, "dotnet", ["run", "seed.cs"], timeout: TimeSpan.FromMinutes(5)));

        var reported = FinalLoss().Match(result.Output);
        Assert.True(reported.Success, $"no final loss line in:\n{result.Output}");
        var after = double.Parse(reported.Groups[1].Value, CultureInfo.InvariantCulture);
        var before = double.Parse(reported.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(after < before / 2, $"the loss went from {before} to {after}: it did not train.\n{result.Output}");
    }

    [GeneratedRegex(@"^#:package Lightning\.Core@\S+$", RegexOptions.Multiline)]
    private static partial Regex PackageLine();

    [GeneratedRegex(@"final loss: (\S+) \(before training: (\S+)\)")]
    private static partial Regex FinalLoss();
}
