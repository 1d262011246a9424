using System.Globalization;
using Lightning.Sweeps.Running;
using Lightning.Sweeps.Spaces;

namespace Lightning.Cli;

/// <summary>The sweep's trials as a table redrawn in place in a terminal (plain event lines are used when output is redirected).</summary>
internal sealed class LiveTable(TextWriter output, string metric)
{
    private readonly Lock _gate = new();
    private int _lines;

    public void Render(IReadOnlyList<TrialSnapshot> trials)
    {
        lock (_gate)
        {
            // Move back over the previous table and clear it before drawing the new one.
            if (_lines > 0) output.Write($"\u001b[{_lines}A\u001b[J");
            var rows = new List<string> { $"{"trial",5}  {"state",-8}  {"epochs",6}  {metric,12}  params" };
            rows.AddRange(trials.Select(t => string.Create(CultureInfo.InvariantCulture,
                $"{t.Number,5}  {t.State.ToString().ToLowerInvariant(),-8}  {t.Epochs,6}  " +
                $"{(t.Value is { } v ? v.ToString("G5", CultureInfo.InvariantCulture) : "-"),12}  " +
                $"{string.Join(" ", t.Params.Select(p => $"{p.Key}={Parameter.Format(p.Value)}"))}")));
            foreach (var row in rows) output.WriteLine(row);
            output.Flush();
            _lines = rows.Count;
        }
    }
}
