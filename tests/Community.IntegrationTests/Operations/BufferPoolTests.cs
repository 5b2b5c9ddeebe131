using Community.Host.Hosting;

namespace Community.IntegrationTests.Operations;

/// <summary>The host sizes the runtime's shared buffer pool for hundreds of connections written at once, unless the operator chose a size.</summary>
public sealed class BufferPoolTests
{
    [Fact]
    public void The_host_keeps_1024_buffers_per_size_and_core_unless_the_operator_set_a_value()
    {
        var before = Environment.GetEnvironmentVariable(BufferPool.Variable);
        try
        {
            Environment.SetEnvironmentVariable(BufferPool.Variable, null);
            Assert.Equal("1024", BufferPool.Apply());
            Assert.Equal("1024", Environment.GetEnvironmentVariable(BufferPool.Variable)); // what the runtime reads on the pool's first use

            Environment.SetEnvironmentVariable(BufferPool.Variable, "64");
            Assert.Equal("64", BufferPool.Apply());
            Assert.Equal("64", Environment.GetEnvironmentVariable(BufferPool.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(BufferPool.Variable, before);
        }
    }
}
