namespace Lightning.Core.Data;

/// <summary>How error messages name a data set: its type's name without the generic arity (<c>ImageFolderDataset</c>, not <c>…`1</c>).</summary>
internal static class DataSetNames
{
    public static string Of(object dataset)
    {
        var name = dataset.GetType().Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
