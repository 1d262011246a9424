namespace Lightning.Core.Configuration;

/// <summary>An options record that checks its own ranges; the binder calls it after binding, before anything starts.</summary>
public interface IValidatableOptions
{
    /// <summary>Adds one issue per invalid value to <paramref name="errors"/>.</summary>
    void Validate(ConfigErrors errors);
}
