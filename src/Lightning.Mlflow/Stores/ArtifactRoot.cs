namespace Lightning.Mlflow.Stores;

/// <summary>The kinds of artifact roots this client writes.</summary>
public enum ArtifactRootKind
{
    /// <summary><c>mlflow-artifacts:</c>: through the tracking server's proxy.</summary>
    Proxy,
    /// <summary><c>file:</c>: a folder this machine can write.</summary>
    File,
}

/// <summary>Checks a run's artifact URI at run start, so an unwritable store fails then, not after hours of training.</summary>
public static class ArtifactRoot
{
    /// <summary>The kind of <paramref name="artifactUri"/>.</summary>
    /// <exception cref="MlflowException">The scheme is one this client cannot write (s3:, gs:, wasbs:, dbfs:, ...).</exception>
    public static ArtifactRootKind Check(string artifactUri)
    {
        if (artifactUri.StartsWith("mlflow-artifacts:", StringComparison.Ordinal)) return ArtifactRootKind.Proxy;
        if (artifactUri.StartsWith("file:", StringComparison.Ordinal) || artifactUri.StartsWith('/')) return ArtifactRootKind.File;
        var scheme = artifactUri.Split(':')[0];
        throw new MlflowException(
            $"The run's artifact root '{artifactUri}' uses '{scheme}:', which this client cannot write, so checkpoints could not be stored. " +
            "Start the tracking server with --serve-artifacts (artifacts then go through the server as mlflow-artifacts:), " +
            "or use a file: artifact location.",
            "INVALID_PARAMETER_VALUE");
    }
}
