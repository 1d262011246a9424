namespace Lightning.Sweeps.Samplers;

/// <summary>Whether the swept metric should go down or up.</summary>
public enum Goal
{
    /// <summary>Lower is better (losses).</summary>
    Minimize,
    /// <summary>Higher is better (accuracy).</summary>
    Maximize,
}

/// <summary>Orders metric values by a goal.</summary>
public static class GoalOrder
{
    /// <summary>The metric with the sign that makes lower better.</summary>
    public static double Loss(this Goal goal, double value) => goal == Goal.Minimize ? value : -value;
}
