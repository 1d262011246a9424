using Lightning.Hosting;
using Lightning.Mlflow;
using Lightning.TestApp;

// The engine's own tests read runs as CSV (lightning_logs/); TESTAPP_TRACKER=mlflow records them in MLflow instead.
var host = Environment.GetEnvironmentVariable("TESTAPP_TRACKER") == "mlflow" ? new AppHostOptions().UseMlflow() : new AppHostOptions();
return LightningApp.Run<TinyModule, TinyDataModule>(args, host);
