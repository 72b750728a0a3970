using System.Text.RegularExpressions;

namespace SecretFleet.Operator.Hosting;

/// <summary>
/// Reads <c>--allowed-node-images</c> (run and render): image references separated by commas, e.g.
/// <c>registry.example/node:1.2,registry.example/node@sha256:…</c>. Empty means none besides the default. No entry may
/// be empty or carry spaces, and each must be an image reference as a container runtime reads one; the list is an
/// allow-list, so a typo must fail the start rather than silently allow nothing or something else.
/// </summary>
internal static partial class NodeImageList
{
    /// <param name="name">What the user typed to give the value: <c>--allowed-node-images</c> or its variable.</param>
    /// <param name="text">The value as given.</param>
    /// <exception cref="OperatorConfigurationException">An empty entry, or one that is no image reference; the message names the flag and the entry.</exception>
    public static IReadOnlyList<string> Parse(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        var images = new List<string>();
        foreach (var entry in text.Split(','))
        {
            if (!Reference().IsMatch(entry))
            {
                var what = entry.Length == 0 ? "has an empty entry" : $"has '{entry}', which is not an image reference";
                throw new OperatorConfigurationException(
                    $"{name} '{text}' {what}; give image references separated by commas, without spaces, e.g. registry.example/node:1.2,registry.example/node@sha256:<64 hex digits>.");
            }

            images.Add(entry);
        }

        return images;
    }

    // The reference grammar of the distribution project: [domain[:port]/]path[:tag][@sha256:digest], lower-case path components.
    [GeneratedRegex(
        @"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?"
        + @"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
        + @"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
