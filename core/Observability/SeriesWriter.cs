using System.Text;

namespace SecretFleet.Core.Observability;

/// <summary>
/// Writes sample lines: name, merged sorted labels, an optional <c>le</c>, value. In a
/// histogram a tag named <c>le</c> is left out of every line, as it would clash with the bucket label.
/// </summary>
internal static class SeriesWriter
{
    public static void AppendHeader(StringBuilder output, MetricIdentity identity)
    {
        output.Append("# HELP ").Append(identity.Name).Append(' ');
        PrometheusNaming.AppendHelp(output, identity.Help);
        output.Append('\n');
        output.Append("# TYPE ").Append(identity.Name).Append(' ').Append(identity.Type).Append('\n');
    }

    public static void AppendSample(
        StringBuilder output, string name, LabelSet constant, LabelSet labels, string? le, double value, bool histogram = false)
    {
        output.Append(name);
        if (constant.Count + labels.Count > 0 || le is not null)
        {
            output.Append('{');
            var first = true;
            int i = 0, j = 0;
            // Merge two sorted label lists; a measurement tag overrides a constant one of the same name.
            while (i < constant.Count || j < labels.Count)
            {
                var c = i < constant.Count && j < labels.Count
                    ? string.CompareOrdinal(constant.Names[i], labels.Names[j])
                    : i < constant.Count ? -1 : 1;
                if (c < 0)
                {
                    AppendLabel(output, ref first, constant.Names[i], constant.Values[i], histogram);
                    i++;
                }
                else
                {
                    AppendLabel(output, ref first, labels.Names[j], labels.Values[j], histogram);
                    if (c == 0)
                    {
                        i++;
                    }

                    j++;
                }
            }

            if (le is not null)
            {
                AppendLabel(output, ref first, "le", le, skipLe: false);
            }

            output.Append('}');
        }

        output.Append(' ');
        PrometheusNaming.AppendNumber(output, value);
        output.Append('\n');
    }

    private static void AppendLabel(StringBuilder output, ref bool first, string name, string value, bool skipLe)
    {
        // A histogram's bucket label is reserved: a tag of that name would duplicate it.
        if (skipLe && name == "le")
        {
            return;
        }

        if (!first)
        {
            output.Append(',');
        }

        first = false;
        output.Append(name).Append("=\"");
        PrometheusNaming.AppendLabelValue(output, value);
        output.Append('"');
    }
}
