using Lightning.Core.Distributed;
using TorchSharp;

namespace Lightning.Core.Tests.Distributed;

public sealed class TensorMemoryTests
{
    [Fact]
    public unsafe void Use_CpuTensor_GivesItsStorageNotACopy()
    {
        using var tensor = torch.zeros(6, dtype: torch.float32);
        using var view = tensor.narrow(0, 2, 3); // contiguous, with a storage offset
        TensorMemory.Use(view, (address, bytes) =>
        {
            Assert.Equal(12, bytes);
            new Span<float>((void*)address, 3).Fill(7f);
            Assert.Equal(TensorMemory.DataPointer(view.Handle), address);
        });
        Assert.Equal([0f, 0f, 7f, 7f, 7f, 0f], tensor.data<float>().ToArray());
    }

    [Fact]
    public void AllReduce_NonContiguousTensor_IsRefused()
    {
        using var group = new SingleProcessGroup();
        using var tensor = torch.zeros(2, 3).t();
        var error = Assert.Throws<ArgumentException>(() => group.AllReduce(tensor, ReduceOperation.Sum));
        Assert.StartsWith("Collectives work on contiguous tensors; call contiguous() first.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllReduce_NotAFloatTensor_IsRefused()
    {
        using var group = new SingleProcessGroup();
        using var tensor = torch.zeros(2, dtype: torch.int64);
        var error = Assert.Throws<ArgumentException>(() => group.AllReduce(tensor, ReduceOperation.Sum));
        Assert.StartsWith("All-reduce takes float32 or float64 tensors, not Int64.", error.Message, StringComparison.Ordinal);
    }
}
