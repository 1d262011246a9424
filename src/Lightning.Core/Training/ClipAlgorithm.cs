namespace Lightning.Core.Training;

/// <summary>How gradients are clipped.</summary>
public enum ClipAlgorithm
{
    /// <summary>Scale all gradients so their total 2-norm is at most the clip value.</summary>
    Norm,
    /// <summary>Clamp each gradient element to ±the clip value.</summary>
    Value,
}
