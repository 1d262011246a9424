using Lightning.Core.Hosting;
using Lightning.TestApp;

return LightningApp.Run<TinyModule, TinyDataModule>(args);
