using System.Text;

namespace SecretFleet.Cli.Output;

/// <summary>Reads a line from the terminal, optionally without echo (for secret values typed by hand).</summary>
internal static class TerminalInput
{
    public static string? ReadLine(bool echo, TextWriter prompt)
    {
        if (echo)
        {
            return Console.ReadLine();
        }
        var line = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    prompt.WriteLine();
                    return line.ToString();
                case ConsoleKey.Backspace:
                    if (line.Length > 0)
                    {
                        line.Length--;
                    }
                    break;
                default:
                    if (key.Modifiers.HasFlag(ConsoleModifiers.Control) && key.Key is ConsoleKey.C or ConsoleKey.D)
                    {
                        prompt.WriteLine();
                        return null;
                    }
                    if (!char.IsControl(key.KeyChar))
                    {
                        line.Append(key.KeyChar);
                    }
                    break;
            }
        }
    }
}
