namespace Lightning.Core.Data;

/// <summary>
/// A data module that says what its data is; the trainer records it with the run (after <c>Setup</c>), so the tracker
/// can show which data a model was trained and evaluated on.
/// </summary>
public interface IDescribesData
{
    /// <summary>Every data set the module serves, each with the loop that reads it; called after <c>Setup</c>.</summary>
    IReadOnlyList<DatasetDescription> DescribeData();
}
