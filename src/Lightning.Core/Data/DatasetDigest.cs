using System.Security.Cryptography;

namespace Lightning.Core.Data;

/// <summary>Short content hashes for <see cref="DatasetDescription.Digest"/>.</summary>
public static class DatasetDigest
{
    /// <summary>
    /// The first 8 hex digits of the MD5 of the file's bytes: the length and hash MLflow gives its own dataset digests
    /// (it hashes a pandas frame's rows; a file's bytes are what a .NET data module has in common with every reader).
    /// </summary>
    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream))[..8];
    }
}
