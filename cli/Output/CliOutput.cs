using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace SecretFleet.Cli.Output;

/// <summary>
/// Where a command writes: tables and notes for humans (colour only on a terminal), JSON for
/// scripts, raw bytes for recovered secrets, and one-line errors and warnings on stderr.
/// </summary>
internal sealed class CliOutput
{
    // Wide enough that endpoints and times do not wrap when output goes to a file or a pipe.
    private const int RedirectedWidth = 200;
    private readonly TextWriter _out;

    public CliOutput(CliConsole console, OutputFormat format)
    {
        Console = console;
        Format = format;
        _out = new StreamWriter(console.Output, new UTF8Encoding(false), leaveOpen: true) { AutoFlush = true };
        Human = CreateAnsi(_out, console.OutputIsTerminal, console);
        ErrorConsole = CreateAnsi(console.Error, console.ErrorIsTerminal, console);
    }

    public CliConsole Console { get; }

    public OutputFormat Format { get; }

    public bool IsJson => Format == OutputFormat.Json;

    /// <summary>Tables and notes on stdout.</summary>
    public IAnsiConsole Human { get; }

    /// <summary>Progress and prompts on stderr, so stdout stays clean for data.</summary>
    public IAnsiConsole ErrorConsole { get; }

    public void WriteJson<T>(T value)
    {
        _out.Write(JsonSerializer.Serialize(value, CliJson.Options));
        _out.Write('\n');
    }

    /// <summary>Writes bytes exactly as given (a recovered secret), no newline added.</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        _out.Flush();
        Console.Output.Write(bytes);
        Console.Output.Flush();
    }

    /// <summary>A plain line for humans on stdout (not in JSON mode).</summary>
    public void Line(string text)
    {
        if (!IsJson)
        {
            Human.WriteLine(text);
        }
    }

    /// <summary>A line with Spectre markup for humans on stdout (not in JSON mode).</summary>
    public void MarkupLine(string markup)
    {
        if (!IsJson)
        {
            Human.MarkupLine(markup);
        }
    }

    public void Warning(string message) => Console.Error.WriteLine($"warning: {message}");

    public void Error(string message) => Console.Error.WriteLine($"error: {message}");

    private static IAnsiConsole CreateAnsi(TextWriter writer, bool terminal, CliConsole console)
    {
        var noColor = !string.IsNullOrEmpty(console.GetEnvironmentVariable("NO_COLOR"));
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal && !noColor ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            ansi.Profile.Width = RedirectedWidth;
        }
        return ansi;
    }
}
