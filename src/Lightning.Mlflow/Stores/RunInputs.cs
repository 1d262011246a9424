namespace Lightning.Mlflow.Stores;

/// <summary>Reads back the data set inputs of a file-store run (the layout <see cref="FileStore.LogInputs"/> writes).</summary>
internal static class RunInputs
{
    /// <summary>The inputs of the run in <paramref name="runFolder"/>; an input whose data set is missing is left out.</summary>
    public static List<DatasetInput> Read(string runFolder)
    {
        var inputs = Path.Combine(runFolder, "inputs");
        if (!Directory.Exists(inputs)) return [];
        var datasets = Path.Combine(Path.GetDirectoryName(runFolder)!, "datasets");
        var result = new List<DatasetInput>();
        foreach (var meta in Directory.EnumerateDirectories(inputs).Select(d => Path.Combine(d, "meta.yaml")).Where(File.Exists))
        {
            var input = MetaYaml.Read(meta);
            var datasetMeta = Path.Combine(datasets, input.GetValueOrDefault("source_id") ?? "", "meta.yaml");
            if (!File.Exists(datasetMeta)) continue;
            var dataset = MetaYaml.Read(datasetMeta);
            // The context is the nested tag line "  mlflow.data.context: training".
            var context = input.FirstOrDefault(f => f.Key.Trim() == DatasetInput.ContextTag).Value ?? "";
            result.Add(new DatasetInput(dataset.GetValueOrDefault("name") ?? "", dataset.GetValueOrDefault("digest") ?? "",
                dataset.GetValueOrDefault("source_type") ?? "", dataset.GetValueOrDefault("source") ?? "",
                dataset.GetValueOrDefault("schema") ?? "", dataset.GetValueOrDefault("profile") ?? "", context));
        }
        return result;
    }
}
