"""Even sharding over all ranks, and the per-epoch shard order (the field notes' OOM fix).

Shards are cut for a world size W (nodes x GPUs). With N kept samples in S shards (S a multiple
of W), shards 0..r-1 (r = N mod S) hold one sample more than the rest. Shards form rounds of W
consecutive shards; every epoch permutes the rounds and, within each round, which rank reads
which shard, so every rank reads the same number of samples +-1 and every shard once per epoch.
"""
import random
from typing import List, Tuple


def shard_sizes(kept: int, shard_count: int) -> List[int]:
    base, extra = divmod(kept, shard_count)
    return [base + 1 if i < extra else base for i in range(shard_count)]


def shard_ranges(kept: int, shard_count: int) -> List[Tuple[int, int]]:
    """[start, end) of each shard over the kept samples, in order: shards are contiguous runs."""
    ranges, start = [], 0
    for size in shard_sizes(kept, shard_count):
        ranges.append((start, start + size))
        start += size
    return ranges


def owned_shards(worker: int, workers: int, shard_count: int) -> List[int]:
    """Shards a tokenise worker writes: worker k takes k, k + workers, ..."""
    return list(range(worker, shard_count, workers))


def epoch_order(shard_count: int, world_size: int, epoch: int, seed: int) -> List[List[int]]:
    """Per rank, the shards it reads in epoch `epoch`, in order."""
    if shard_count % world_size:
        raise ValueError("shard_count %d is not a multiple of world_size %d" % (shard_count, world_size))
    rng = random.Random("%d/%d" % (seed, epoch))
    rounds = list(range(shard_count // world_size))
    rng.shuffle(rounds)
    order: List[List[int]] = [[] for _ in range(world_size)]
    for r in rounds:
        members = list(range(r * world_size, (r + 1) * world_size))
        rng.shuffle(members)
        for rank, shard in enumerate(members):
            order[rank].append(shard)
    return order
