namespace Lightning.Core.Training;

/// <summary>Where the trainer runs.</summary>
public enum AcceleratorKind
{
    /// <summary>CUDA when TorchSharp sees a GPU, else the CPU.</summary>
    Auto,
    /// <summary>The CPU.</summary>
    Cpu,
    /// <summary>A CUDA GPU; an error when none is available.</summary>
    Cuda,
}
