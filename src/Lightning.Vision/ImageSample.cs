namespace Lightning.Vision;

/// <summary>A decoded, transformed image: float pixels in channel, row, column order (CHW) and its label.</summary>
/// <param name="Pixels">Channels × Height × Width values, red plane first.</param>
/// <param name="Channels">Colour channels (3: RGB).</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
/// <param name="Label">The index of its class.</param>
public sealed record ImageSample(float[] Pixels, int Channels, int Height, int Width, long Label);
