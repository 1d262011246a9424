namespace Lightning.Core.Data;

/// <summary>
/// The data is not what the data module expects (a missing file, a malformed row, a label out of range). The message
/// names the file, line and column; the app host reports it as one line with exit code 2, like a configuration error,
/// because the fix is in the input, not in the code.
/// </summary>
public sealed class DataException(string message, Exception? inner = null) : Exception(message, inner);
