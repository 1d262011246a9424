using System.Globalization;

namespace Lightning.Mlflow.Writing;

/// <summary>A count with its noun in the right number, for the lines a user reads ("1 artifact", "2 artifacts").</summary>
internal static class Counted
{
    public static string Of(long count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");
}
