using Lightning.Hosting;
using Lightning.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Lightning.Core.Tests.Hosting;

/// <summary>A failure of the user's code reads as one line naming their type and method; the trace goes to a file.</summary>
public sealed class FailureReportTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly FailureReport _report =
        new([typeof(FailureReportTests).Assembly], new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero)));

    public void Dispose() => _root.Dispose();

    [Fact]
    public void NamesTheUsersTypeAndMethod_NotTheEngineFrames()
    {
        var error = Capture(() => EngineLike.Run(UserDataModule.Setup));
        Assert.Equal("UserDataModule.Setup (fit): row 3 is bad", _report.Describe(error, "fit"));
    }

    [Fact]
    public void ALambdaInUserCode_IsNamedByItsMethod()
    {
        var error = Capture(() => EngineLike.Run(UserDataModule.SetupWithLambda));
        Assert.Equal("UserDataModule.SetupWithLambda (test): parse failed", _report.Describe(error, "test"));
    }

    [Fact]
    public void TorchNativeFrames_AreCutFromTheMessage()
    {
        var error = new System.Runtime.InteropServices.ExternalException(
            "Target 7 is out of bounds.\n" +
            "Exception raised from nll_loss_out_frame at /pytorch/aten/src/ATen/native/LossNLL.cpp:262 (most recent call first):\n" +
            "frame #0: c10::Error::Error(...)\nframe #1: at::native::nll_loss");
        Assert.Equal("Target 7 is out of bounds.", FailureReport.Message(error));
    }

    [Fact]
    public void ReflectionWrappers_AreRemoved()
    {
        var inner = Capture(() => EngineLike.Run(UserDataModule.Setup));
        var wrapped = new System.Reflection.TargetInvocationException(inner);
        Assert.Equal("UserDataModule.Setup (fit): row 3 is bad", _report.Describe(wrapped, "fit"));
    }

    [Fact]
    public void TheLog_HoldsTheWholeTrace()
    {
        var error = Capture(() => EngineLike.Run(UserDataModule.Setup));
        var path = _report.WriteLog(_root.Combine("logs"), error, ["fit", "--data.path=x.csv"]);
        Assert.Equal(_root.Combine("logs", "error-20261130-120000.log"), path);
        var text = File.ReadAllText(path!);
        Assert.Contains("fit --data.path=x.csv", text);
        Assert.Contains("at Lightning.Core.Tests.Hosting.UserDataModule.Setup", text);
    }

    private static Exception Capture(Action action)
    {
        try
        {
            action();
        }
        catch (Exception error)
        {
            return error;
        }
        throw new InvalidOperationException("expected a throw");
    }
}

internal static class UserDataModule
{
    public static void Setup() => throw new FormatException("row 3 is bad");

    public static void SetupWithLambda() =>
        _ = new[] { "1", "x" }.Select(v => v == "x" ? throw new InvalidDataException("parse failed") : v).ToList();
}

/// <summary>Stands for engine code on the stack above the user's frame (it calls the user's code).</summary>
internal static class EngineLike
{
    public static void Run(Action user) => user();
}
