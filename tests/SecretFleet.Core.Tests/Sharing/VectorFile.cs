using System.Globalization;

namespace SecretFleet.Core.Tests.Sharing;

internal static class VectorFile
{
    /// <summary>tests/vectors/NAME, found by walking up from the test binaries to the repository root.</summary>
    public static string Path(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "vectors", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(string.Create(CultureInfo.InvariantCulture, $"tests/vectors/{name} not found above {AppContext.BaseDirectory}"));
    }
}
