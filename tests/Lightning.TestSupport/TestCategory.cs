namespace Lightning.TestSupport;

/// <summary>
/// The trait that sorts tests for <c>./build.sh test unit</c>: classes that start real processes (the test app, the
/// tool, bash, Slurm) carry <c>[Trait(TestCategory.Name, TestCategory.Process)]</c> and are left out of the fast run.
/// </summary>
public static class TestCategory
{
    public const string Name = "Category";
    public const string Process = "Process";
}
