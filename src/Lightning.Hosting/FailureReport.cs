using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace Lightning.Hosting;

/// <summary>
/// Turns an exception into what a user reads: one line naming the user's type and method that failed (found from the
/// stack, not guessed) and the message without native frames; the full trace goes to a log file instead of the console.
/// </summary>
internal sealed class FailureReport(IReadOnlyCollection<Assembly> userAssemblies, TimeProvider time)
{
    private static readonly string[] NativeTraceStarts = ["Exception raised from ", "frame #"];

    /// <summary>The exception a user should see: reflection and aggregation wrappers removed.</summary>
    public static Exception Unwrap(Exception error)
    {
        while (error is TargetInvocationException or AggregateException && error.InnerException is { } inner) error = inner;
        return error;
    }

    /// <summary><c>DigitsDataModule.Setup (fit): message</c>, or just the message when no user frame is on the stack.</summary>
    public string Describe(Exception error, string command)
    {
        error = Unwrap(error);
        var where = UserFrame(error);
        return where is null ? Message(error) : $"{where} ({command}): {Message(error)}";
    }

    /// <summary>The message up to where libtorch appends its native stack (TorchSharp copies it into the message).</summary>
    public static string Message(Exception error)
    {
        var lines = error.Message.Split('\n').Select(l => l.TrimEnd('\r'))
            .TakeWhile(l => !NativeTraceStarts.Any(start => l.TrimStart().StartsWith(start, StringComparison.Ordinal)))
            .Where(l => l.Trim().Length > 0).Take(3).ToList();
        return lines.Count == 0 ? error.GetType().Name : string.Join(" ", lines.Select(l => l.Trim()));
    }

    /// <summary>
    /// Writes the full exception to <c>error-TIME.log</c> in <paramref name="folder"/>; returns the path, or null when
    /// it cannot be written.
    /// </summary>
    public string? WriteLog(string folder, Exception error, IEnumerable<string> arguments)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, $"error-{time.GetUtcNow():yyyyMMdd-HHmmss}.log");
            var text = new StringBuilder()
                .AppendLine($"{time.GetUtcNow():O} {string.Join(' ', arguments)}")
                .AppendLine(error.ToString());
            // Appended: two failures in the same second keep both traces.
            File.AppendAllText(path, text.ToString());
            return Path.GetFullPath(path);
        }
        catch (Exception ioError) when (ioError is IOException or UnauthorizedAccessException)
        {
            // The log is a convenience: not writing it must not hide the error it was meant to keep.
            return null;
        }
    }

    private string? UserFrame(Exception error)
    {
        foreach (var frame in new StackTrace(error, fNeedFileInfo: false).GetFrames())
        {
            if (frame.GetMethod() is not { DeclaringType: { } type } method || !userAssemblies.Contains(type.Assembly)) continue;
            return $"{OuterType(type).Name}.{SourceName(method, type)}";
        }
        return null;
    }

    // Lambdas and local functions live in compiler-made nested types ("<>c") with names like "<Setup>b__0_1".
    private static Type OuterType(Type type)
    {
        while (type.IsNested && type.Name.StartsWith('<') && type.DeclaringType is { } outer) type = outer;
        return type;
    }

    private static string SourceName(MethodBase method, Type type)
    {
        var name = method.Name.StartsWith('<') && method.Name.IndexOf('>') is > 1 and var end ? method.Name[1..end] : method.Name;
        if (name == ".ctor") return "constructor";
        if (name == "MoveNext" && type.Name.StartsWith('<') && type.Name.IndexOf('>') is > 1 and var close) return type.Name[1..close];
        return name;
    }
}
