using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretFleet.Core.Identity;

/// <summary>
/// Reads URI entries of the subjectAltName extension, which .NET's
/// <see cref="X509SubjectAlternativeNameExtension"/> does not expose (only DNS names and IPs).
/// </summary>
internal static class SubjectAlternativeNames
{
    private const string SubjectAltNameOid = "2.5.29.17";

    // GeneralName ::= CHOICE { ... uniformResourceIdentifier [6] IA5String ... }
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    public static IReadOnlyList<string> EnumerateUris(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAltNameOid)
            {
                continue;
            }

            try
            {
                var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                while (names.HasData)
                {
                    if (names.PeekTag() == UriTag)
                    {
                        uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (Exception e) when (e is AsnContentException or CryptographicException)
            {
                // A malformed SAN carries no identity we could trust.
                return [];
            }
        }

        return uris;
    }
}
