using SecretFleet.Core.Identity;

namespace SecretFleet.Core.Tests.Identity;

[Trait("Category", "Unit")]
public sealed class NodeIndexTests
{
    [Fact]
    public void Ordinal_and_x_are_one_apart_and_messages_use_the_ordinal()
    {
        var node = NodeIndex.FromOrdinal(2);

        Assert.Equal(3, node.X);
        Assert.Equal(node, NodeIndex.FromX(3));
        Assert.Equal("node-2", node.ToString());
        Assert.Equal("node-0, node-2, node-4", NodeIndex.Describe([5, 1, 3]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(-1)]
    public void An_x_that_is_no_node_is_refused(int x) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NodeIndex.FromX(x));

    [Theory]
    [InlineData(-1)]
    [InlineData(255)]
    public void An_ordinal_that_is_no_node_is_refused(int ordinal) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => NodeIndex.FromOrdinal(ordinal));
}
