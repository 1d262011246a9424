using System.Reflection;
using Lightning.Core.Data;
using Lightning.Core.Modules;
using Lightning.Core.Tracking;

namespace Lightning.Core.Training;

public sealed partial class Trainer
{
    /// <summary>The tag naming the module's type: <c>lightning.module</c>.</summary>
    public const string ModuleTag = "lightning.module";

    /// <summary>The tag naming the Lightning for .NET version that ran: <c>lightning.version</c>.</summary>
    public const string VersionTag = "lightning.version";

    /// <summary>MLflow's run description, shown on the run page: <c>mlflow.note.content</c>.</summary>
    public const string NoteTag = "mlflow.note.content";

    private static readonly string Version =
        typeof(Trainer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    // Tags users filter on and the one-line description; what the caller (the app host) already set wins.
    private static RunStart Described<TBatch>(RunStart start, LightningModule<TBatch> module, string dataName, Stage stage,
        IReadOnlyList<DatasetDescription> inputs)
        where TBatch : IBatch<TBatch>
    {
        var tags = new Dictionary<string, string>(start.Tags);
        tags.TryAdd("lightning.stage", stage.ToString().ToLowerInvariant());
        tags.TryAdd(ModuleTag, module.GetType().Name);
        tags.TryAdd(VersionTag, Version);
        tags.TryAdd(NoteTag, Note(module.GetType().Name, dataName, stage, inputs));
        return start with { Tags = tags };
    }

    // "Trained DigitsModule on digits-train (640 rows); validated on digits-validation (80 rows)."
    private static string Note(string moduleName, string dataName, Stage stage, IReadOnlyList<DatasetDescription> inputs)
    {
        var verb = stage switch { Stage.Fit => "Trained", Stage.Validate => "Validated", Stage.Test => "Tested", _ => "Ran" };
        if (inputs.Count == 0) return $"{verb} {moduleName} on {dataName}.";
        var parts = inputs.GroupBy(i => i.Context).Select((group, index) =>
        {
            var sets = string.Join(", ", group.Select(i => i.Rows is { } rows ? $"{i.Name} ({rows} rows)" : i.Name));
            var action = group.Key switch { DatasetContext.Training => "trained", DatasetContext.Validation => "validated", _ => "tested" };
            return index == 0 ? $"{verb} {moduleName} on {sets}" : $"{action} on {sets}";
        });
        return string.Join("; ", parts) + ".";
    }

    // The data sets the stage reads, as the data module describes them (none when it does not).
    private static IReadOnlyList<DatasetDescription> InputsOf<TBatch>(LightningDataModule<TBatch> data, Stage stage)
        where TBatch : IBatch<TBatch>
    {
        if (data is not IDescribesData described) return [];
        var contexts = stage switch
        {
            Stage.Fit => new[] { DatasetContext.Training, DatasetContext.Validation },
            Stage.Validate => [DatasetContext.Validation],
            Stage.Test => [DatasetContext.Test],
            _ => [],
        };
        return described.DescribeData().Where(d => contexts.Contains(d.Context)).ToList();
    }
}
