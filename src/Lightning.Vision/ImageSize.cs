namespace Lightning.Vision;

/// <summary>A width and height in pixels.</summary>
/// <param name="Width">Columns.</param>
/// <param name="Height">Rows.</param>
public readonly record struct ImageSize(int Width, int Height)
{
    /// <summary>A square of <paramref name="side"/> pixels.</summary>
    public static ImageSize Square(int side) => new(side, side);
}
