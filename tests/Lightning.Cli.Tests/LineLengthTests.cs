using System.Text.RegularExpressions;
using Lightning.TestSupport;

namespace Lightning.Cli.Tests;

/// <summary>The repository's C# lines stay within the length .editorconfig declares, so its guide describes the code.</summary>
public sealed partial class LineLengthTests
{
    private static readonly string[] Roots = ["src", "tests", "templates", "samples"];

    [Fact]
    public void EveryCSharpLine_FitsTheEditorConfigGuide()
    {
        var limit = MaxLineLength();
        var tooLong = (
            from file in SourceFiles()
            from numbered in File.ReadLines(file).Select((text, index) => (Text: text, Number: index + 1))
            where numbered.Text.Length > limit
            select $"{Path.GetRelativePath(Repository.Root, file)}:{numbered.Number}: {numbered.Text.Length} columns").ToList();

        Assert.True(tooLong.Count == 0,
            $"{tooLong.Count} lines are longer than .editorconfig's max_line_length = {limit}; wrap them:{Environment.NewLine}" +
            string.Join(Environment.NewLine, tooLong));
    }

    // The limit is read, not repeated here, so the guide and the check cannot drift apart.
    private static int MaxLineLength()
    {
        var match = MaxLineLengthSetting().Match(File.ReadAllText(Path.Combine(Repository.Root, ".editorconfig")));
        Assert.True(match.Success, ".editorconfig declares no max_line_length for *.cs files.");
        return int.Parse(match.Groups["limit"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    // Build outputs (obj, bin) hold generated code nobody edits.
    private static IEnumerable<string> SourceFiles() =>
        Roots.Select(root => Path.Combine(Repository.Root, root)).Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
                .Where(file => !Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin")))
            .Order(StringComparer.Ordinal);

    [GeneratedRegex(@"^\[\*\.cs\][^\[]*?^max_line_length\s*=\s*(?<limit>\d+)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex MaxLineLengthSetting();
}
