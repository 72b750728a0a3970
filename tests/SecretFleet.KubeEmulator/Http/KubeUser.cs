using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.KubeEmulator;

/// <summary>An authenticated user as the API server's authorizers see it: a name and groups.</summary>
internal sealed record KubeUser(string Name, IReadOnlyList<string> Groups)
{
    /// <summary>The group the real server adds to every authenticated user; RBAC bindings may name it.</summary>
    public const string AuthenticatedGroup = "system:authenticated";

    /// <summary>The group the real server lets through before RBAC is asked.</summary>
    public const string MastersGroup = "system:masters";

    /// <summary>The admin the emulator starts with: the name its client certificate carries as CN.</summary>
    public const string AdminName = "emulator-admin";

    public static KubeUser Admin { get; } = Authenticated(AdminName, [MastersGroup]);

    public bool IsPrivileged => Groups.Contains(MastersGroup, StringComparer.Ordinal);

    public static KubeUser Authenticated(string name, IEnumerable<string> groups) =>
        new(name, [.. groups.Append(AuthenticatedGroup).Distinct(StringComparer.Ordinal)]);

    /// <summary>Like the real x509 authenticator: the subject's CN is the user, each O a group.</summary>
    public static KubeUser FromCertificate(X509Certificate2 certificate)
    {
        var name = "";
        var groups = new List<string>();
        foreach (var part in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            switch (part.GetSingleElementType().Value)
            {
                case "2.5.4.3":
                    name = part.GetSingleElementValue() ?? "";
                    break;
                case "2.5.4.10":
                    groups.Add(part.GetSingleElementValue() ?? "");
                    break;
            }
        }

        return Authenticated(name, groups);
    }
}
