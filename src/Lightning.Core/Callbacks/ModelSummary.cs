using System.Globalization;
using Lightning.Core.Training;

namespace Lightning.Core.Callbacks;

/// <summary>Prints the module's top-level layers with their parameter counts when fit starts.</summary>
public sealed class ModelSummary(TextWriter output) : Callback
{
    /// <inheritdoc />
    public override void OnFitStart(ITrainerView trainer) => output.Write(Describe(trainer.Module));

    /// <summary>The summary table of <paramref name="module"/>.</summary>
    public static string Describe(TorchSharp.torch.nn.Module module)
    {
        var rows = module.named_children()
            .Select(c => (c.name, Type: c.module.GetType().Name, Params: c.module.parameters().Sum(p => p.numel())))
            .ToList();
        var trainable = module.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        var total = module.parameters().Sum(p => p.numel());
        var bytes = module.parameters().Sum(p => p.numel() * p.element_size());
        var nameWidth = Math.Max(4, rows.Select(r => r.name.Length).DefaultIfEmpty(0).Max());
        var typeWidth = Math.Max(4, rows.Select(r => r.Type.Length).DefaultIfEmpty(0).Max());
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        writer.WriteLine($"  | {"Name".PadRight(nameWidth)} | {"Type".PadRight(typeWidth)} | Params");
        for (var i = 0; i < rows.Count; i++)
            writer.WriteLine($"{i,-2}| {rows[i].name.PadRight(nameWidth)} | {rows[i].Type.PadRight(typeWidth)} | {Count(rows[i].Params)}");
        writer.WriteLine($"{Count(trainable)} trainable params, {Count(total - trainable)} non-trainable, {Count(total)} total, {bytes / 1e6:F3} MB");
        return writer.ToString();
    }

    private static string Count(long n) => n switch
    {
        >= 1_000_000 => (n / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " M",
        >= 1_000 => (n / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + " K",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}
