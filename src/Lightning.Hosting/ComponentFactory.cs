using System.Reflection;
using Lightning.Core.Configuration;
using Lightning.Hosting.Configuration;

namespace Lightning.Hosting;

/// <summary>
/// Builds a module or data module from its configuration section: a public constructor taking one options record
/// binds that section; a parameterless constructor takes no keys.
/// </summary>
internal sealed class ComponentFactory
{
    private readonly Type _type;
    private readonly string _section;
    private readonly ConstructorInfo _constructor;

    public ComponentFactory(Type type, string section)
    {
        _type = type;
        _section = section;
        var constructors = type.GetConstructors();
        _constructor = constructors.FirstOrDefault(c => c.GetParameters() is [{ } p] && OptionsFlattener.IsSection(p.ParameterType))
                       ?? constructors.FirstOrDefault(c => c.GetParameters().Length == 0)
                       ?? throw new ArgumentException(
                           $"{type.Name} needs a public constructor that takes one options record (bound from section '{section}') or no arguments.");
    }

    /// <summary>The type's assembly name, the default experiment name.</summary>
    public string ProjectName => _type.Assembly.GetName().Name ?? _type.Name;

    /// <summary>The bound options, or null when the constructor takes none.</summary>
    public object? BindOptions(ConfigBinder binder)
    {
        if (_constructor.GetParameters() is [{ } parameter]) return binder.Bind(parameter.ParameterType, _section);
        binder.BindNothing(_section);
        return null;
    }

    public object Create(object? options)
    {
        try
        {
            return _constructor.Invoke(options is null ? [] : [options]);
        }
        catch (TargetInvocationException error) when (error.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error.InnerException).Throw();
            throw;
        }
    }
}
