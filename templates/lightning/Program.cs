using Lightning.Hosting;
using Lightning.Mlflow;
using ProjectIdentifier;
using ProjectIdentifier.Callbacks;

// The app is a CLI: fit | validate | test | predict | print-config, configured by lightning.yaml and --section.key=value.
var host = new AppHostOptions { Callbacks = [new EpochSummaryCallback()] }.UseMlflow();
return LightningApp.Run<ProjectIdentifierModule, ProjectIdentifierDataModule>(args, host);
