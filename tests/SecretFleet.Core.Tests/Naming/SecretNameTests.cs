using SecretFleet.Core.Naming;

namespace SecretFleet.Core.Tests.Naming;

[Trait("Category", "Unit")]
public sealed class SecretNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("db-password")]
    [InlineData("A.b_c-9")]
    [InlineData("0leading-digit")]
    public void Names_of_letters_digits_dots_underscores_and_dashes_are_valid(string name) =>
        Assert.True(SecretName.IsValid(name));

    [Fact]
    public void A_name_of_253_characters_is_valid_and_254_is_not()
    {
        Assert.True(SecretName.IsValid(new string('a', 253)));
        Assert.False(SecretName.IsValid(new string('a', 254)));
    }

    [Theory]
    [InlineData("name\n")]
    [InlineData("name\r\n")]
    [InlineData("name\r")]
    [InlineData("na\nme")]
    [InlineData("\nname")]
    [InlineData("name\0")]
    [InlineData("name\t")]
    [InlineData("name\u001b[2J")]
    [InlineData("name\u007f")]
    [InlineData("name\u0085")]
    [InlineData("name\u2028")]
    [InlineData("nàme")]
    [InlineData("ｎａｍｅ")]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("-flag")]
    [InlineData("_x")]
    [InlineData("no spaces")]
    [InlineData("../etc/passwd")]
    [InlineData("a/b")]
    public void Control_characters_a_trailing_newline_and_other_characters_are_refused(string name) =>
        Assert.False(SecretName.IsValid(name));

    [Fact]
    public void Null_is_refused() => Assert.False(SecretName.IsValid(null));

    [Theory]
    [InlineData("name\n", "'name\\n'")]
    [InlineData("a\u001b[2Jb", "'a\\u001b[2Jb'")]
    [InlineData("it's", "'it\\'s'")]
    [InlineData("ünï", "'\\u00fcn\\u00ef'")]
    public void Quote_escapes_what_a_terminal_would_act_on(string name, string quoted) =>
        Assert.Equal(quoted, SecretName.Quote(name));

    [Fact]
    public void Quote_cuts_a_long_name() =>
        Assert.Equal("'" + new string('x', 64) + "'...", SecretName.Quote(new string('x', 1000)));
}
