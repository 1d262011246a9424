using Lightning.Sweeps.Configuration;

namespace Lightning.Sweeps.Tests;

/// <summary>The keys a sweep's parameters are checked against are read from print-config's YAML with a YAML parser.</summary>
public sealed class ConfigKeysTests
{
    [Fact]
    public void LeafKeys_AreDotted_WhateverTheIndentationOrStyle()
    {
        var keys = ConfigKeys.Of("""
            # printed by the app
            trainer:
                max_epochs: 10
                devices: [0, 1]
            model: {lr: 0.1, hidden: 32}
            data:
              path:
              splits:
                - 0.8
                - 0.2
            callbacks: {}
            """);
        Assert.Equal(["trainer.max_epochs", "trainer.devices", "model.lr", "model.hidden", "data.path", "data.splits", "callbacks"], keys);
    }

    [Fact]
    public void TextThatIsNotYaml_IsRefusedInOneSentence()
    {
        var refused = Assert.Throws<SweepConfigException>(() => ConfigKeys.Of("model:\n  lr: [0.1\n"));
        Assert.StartsWith("The app's print-config did not print YAML (line ", refused.Message);
    }
}
