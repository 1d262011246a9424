using Lightning.Core.Configuration;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace Lightning.Hosting.Configuration;

/// <summary>
/// Applies <see cref="System.ComponentModel.DataAnnotations"/> on a user's options record (<c>[Range]</c>,
/// <c>[Required]</c>, <c>[RegularExpression]</c>, <see cref="IValidatableObject"/>, ...) and turns each violation into
/// a <see cref="ConfigIssue"/> that names the key, the value, its source and what is allowed, like the trainer's own
/// checks.
/// </summary>
internal static class AnnotationValidator
{
    /// <summary>Adds one issue per violated annotation of <paramref name="options"/> to <paramref name="errors"/>.</summary>
    public static void Validate(object options, ConfigErrors errors)
    {
        foreach (var property in OptionsFlattener.Properties(options.GetType()))
        {
            var value = property.GetValue(options);
            foreach (var attribute in property.GetCustomAttributes<ValidationAttribute>(inherit: true))
            {
                // [Required] is the only attribute that judges a missing value; the others pass null by design.
                if (attribute.IsValid(value)) continue;
                errors.Add(property.Name, value, Allowed(attribute, property));
            }
        }
        if (options is not IValidatableObject validatable) return;
        foreach (var result in validatable.Validate(new ValidationContext(options)))
        {
            var members = result.MemberNames.ToList();
            if (members.Count == 0) errors.AddGeneral(result.ErrorMessage ?? "is not valid.");
            foreach (var member in members)
                errors.Add(member, options.GetType().GetProperty(member)?.GetValue(options), result.ErrorMessage ?? "is not valid.");
        }
    }

    // A sentence that says what is allowed; a custom ErrorMessage wins because the user wrote it for their users.
    private static string Allowed(ValidationAttribute attribute, PropertyInfo property)
    {
        if (attribute.ErrorMessage is { Length: > 0 } custom) return custom.Replace("{0}", property.Name, StringComparison.Ordinal);
        return attribute switch
        {
            RangeAttribute range => RangeSentence(range),
            RequiredAttribute => "a value is required.",
            StringLengthAttribute length => $"must have {length.MinimumLength} to {length.MaximumLength} characters.",
            MinLengthAttribute min => $"must have at least {min.Length} items or characters.",
            MaxLengthAttribute max => $"must have at most {max.Length} items or characters.",
            RegularExpressionAttribute pattern => $"must match the pattern {pattern.Pattern}.",
            AllowedValuesAttribute values => $"must be one of: {string.Join(", ", values.Values.Select(OptionsFlattener.Format))}.",
            DeniedValuesAttribute values => $"must not be one of: {string.Join(", ", values.Values.Select(OptionsFlattener.Format))}.",
            _ => attribute.FormatErrorMessage(property.Name),
        };
    }

    private static string RangeSentence(RangeAttribute range)
    {
        var min = Format(range.Minimum);
        var max = Format(range.Maximum);
        var lower = range.MinimumIsExclusive ? $"greater than {min}" : $"at least {min}";
        var upper = range.MaximumIsExclusive ? $"less than {max}" : $"at most {max}";
        return $"must be {lower} and {upper}.";
    }

    private static string Format(object value) =>
        value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value.ToString() ?? "";
}
