using System.CommandLine;
using Lightning.Hosting;
using Lightning.Mlflow;
using Lightning.Mlflow.Models;
using Lightning.Mlflow.Stores;

namespace Lightning.Cli.Commands;

/// <summary>
/// models list | show NAME | register RUN --name NAME | alias NAME ALIAS VERSION: the Model Registry of the store in
/// use (a tracking server's, or the file store's models/ folder).
/// </summary>
internal static class ModelsCommand
{
    public static Command Create(TextWriter output)
    {
        var uri = new Option<string?>("--tracking-uri")
        {
            Description = "The store (default: MLFLOW_TRACKING_URI, lightning.yaml's tracking.uri, ./mlruns)."
        };
        var models = new Command("models", "List, show, register and alias models in the MLflow Model Registry.");

        var list = new Command("list", "List the registered models: latest version and aliases.") { uri };
        list.SetAction(result => WithRegistry(result.GetValue(uri), registry =>
        {
            var all = registry.Models();
            if (all.Count == 0)
            {
                output.WriteLine($"No registered models in {registry.Uri}.");
                return;
            }
            output.WriteLine($"{"name",-32}  {"latest",-6}  aliases");
            foreach (var model in all)
                output.WriteLine($"{model.Name,-32}  {model.LatestVersions.Select(v => v.Version).LastOrDefault() ?? "-",-6}  " +
                    string.Join(' ', model.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"@{a.Key}={a.Value}")));
        }));

        var name = new Argument<string>("name") { Description = "The registered model's name." };
        var show = new Command("show", "Show a registered model and its versions (status, run, source, aliases).") { name, uri };
        show.SetAction(result => WithRegistry(result.GetValue(uri), registry =>
        {
            var model = registry.GetModel(result.GetValue(name)!);
            output.WriteLine($"model {model.Name}{(model.Description.Length > 0 ? $": {model.Description}" : "")}");
            foreach (var (key, value) in model.Tags.OrderBy(t => t.Key, StringComparer.Ordinal)) output.WriteLine($"  tag {key} = {value}");
            foreach (var version in registry.Versions(model.Name))
            {
                var aliases = version.Aliases.Count > 0 ? version.Aliases
                    : [.. model.Aliases.Where(a => a.Value == version.Version).Select(a => a.Key)];
                output.WriteLine($"  version {version.Version}  {version.Status,-9}  run {version.RunId}  {version.Source}" +
                    string.Concat(aliases.Order(StringComparer.Ordinal).Select(a => $"  @{a}")));
            }
        }));

        var run = new Argument<string>("run") { Description = "The run whose logged model (model/) is registered." };
        var modelName = new Option<string>("--name") { Description = "The registered model; created when missing.", Required = true };
        var register = new Command("register", "Register a run's logged model as the next version of a registered model.") { run, modelName, uri };
        register.SetAction(result => WithStore(result.GetValue(uri), store =>
        {
            var runId = result.GetValue(run)!;
            var target = result.GetValue(modelName)!;
            var version = RunModelRegistration.Register(store, runId, target);
            output.WriteLine($"Registered the model of run {version.RunId} as version {version.Version} of '{target}' " +
                $"(models:/{target}/{version.Version}).");
        }));

        var aliasName = new Argument<string>("alias") { Description = "The alias (letters, digits, _ and -; not 'latest')." };
        var versionNumber = new Argument<string>("version") { Description = "The version it points to." };
        var alias = new Command("alias", "Point an alias of a registered model at a version (moving it when set).")
        {
            name, aliasName, versionNumber, uri
        };
        alias.SetAction(result => WithRegistry(result.GetValue(uri), registry =>
        {
            var (model, label, number) = (result.GetValue(name)!, result.GetValue(aliasName)!, result.GetValue(versionNumber)!);
            registry.SetAlias(model, label, number);
            output.WriteLine($"models:/{model}@{label} is now version {number}.");
        }));

        models.Subcommands.Add(list);
        models.Subcommands.Add(show);
        models.Subcommands.Add(register);
        models.Subcommands.Add(alias);
        return models;
    }

    private static int WithRegistry(string? uri, Action<IModelRegistry> action) => WithStore(uri, store => action(ModelRegistries.For(store)));

    // A refusal (unknown model, version or run; a reserved alias) is the user's to fix: exit 2; a server that does not answer: exit 1.
    private static int WithStore(string? uri, Action<IRunStore> action)
    {
        var target = StoreResolver.Resolve(uri, Environment.CurrentDirectory);
        using var store = target.Open(RestOptions.FromEnvironment(), RunsCommand.LocalRoot);
        try
        {
            action(store);
            return ExitCodes.Finished;
        }
        catch (MlflowException error) when (error.Status == 0 && error.ErrorCode == "TEMPORARILY_UNAVAILABLE")
        {
            throw new CliException($"Could not reach the model registry: {RunsCommand.Unanswered(target.Location, error)}.", ExitCodes.Failed);
        }
        catch (MlflowException error) when (error.Status is 400 or 404)
        {
            throw new CliException(error.Message, ExitCodes.Usage);
        }
        catch (MlflowException error)
        {
            throw new CliException($"The model registry of {target.Location} failed: {error.Message}", ExitCodes.Failed);
        }
    }
}
