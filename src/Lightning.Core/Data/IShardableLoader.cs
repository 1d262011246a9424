namespace Lightning.Core.Data;

/// <summary>A loader that can give one rank of a data-parallel fit its shard of every epoch (a distributed sampler).</summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
public interface IShardableLoader<out TBatch> : IBatchLoader<TBatch>
{
    /// <summary>The same loader restricted to <paramref name="shard"/>'s samples of each epoch's order.</summary>
    IBatchLoader<TBatch> Shard(DistributedShard shard);
}
