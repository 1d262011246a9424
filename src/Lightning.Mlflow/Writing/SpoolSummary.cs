namespace Lightning.Mlflow.Writing;

/// <summary>What a spool still holds, for the closing line and <c>runs list</c>.</summary>
/// <param name="Records">Pending writes of every kind.</param>
/// <param name="Points">Metric points among them.</param>
/// <param name="Params">Params among them.</param>
/// <param name="Artifacts">Artifact uploads among them.</param>
/// <param name="Status">Whether the run's final status is among them.</param>
public sealed record SpoolSummary(int Records, int Points, int Params, int Artifacts, bool Status)
{
    /// <summary>"40 metric points, 12 params, 3 artifacts and the final status (21 writes)".</summary>
    public override string ToString() =>
        $"{Counted.Of(Points, "metric point")}, {Counted.Of(Params, "param")}, {Counted.Of(Artifacts, "artifact")}" +
        $"{(Status ? " and the final status" : "")} ({Counted.Of(Records, "write")})";
}
