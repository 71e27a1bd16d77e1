"""Tokenise once: one worker of the platform's indexed tokenise Job.

Reads the raw JSONL data set from the shared volume, applies sample hygiene, tokenises, and
writes this worker's shards (one shard in memory at a time) plus, once every shard exists, the
manifest. When the manifest for this identity already exists, it does nothing: a retrain reuses
the shards.

    python3 tokenise.py --config /etc/llm-platform/dataset.json
Worker index: JOB_COMPLETION_INDEX (set by Kubernetes for indexed Jobs).
"""
import argparse
import glob
import json
import os
import sys
from array import array
from typing import Callable, Dict, Iterator, List, Optional, Sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hygiene import build_sample, compile_banned, compile_filler, keep_sample  # noqa: E402
from manifest import manifest_key, read_manifest, write_atomically, write_manifest  # noqa: E402
from shards import owned_shards, shard_ranges  # noqa: E402

Encode = Callable[[str], List[int]]


def load_tokenizer(name: str, trust_remote_code: bool = False, auto_tokenizer: Optional[object] = None) -> Encode:
    """The image's tokenizer (Hugging Face). A gated repository's token comes from HF_TOKEN (set from
    the Secret the config names; huggingface_hub reads it); a staged copy loads with HF_HUB_OFFLINE=1.
    trust_remote_code runs the repository's own tokenizer code (ChatGLM and the like need it)."""
    if auto_tokenizer is None:
        from transformers import AutoTokenizer  # type: ignore

        auto_tokenizer = AutoTokenizer
    tokenizer = auto_tokenizer.from_pretrained(name, trust_remote_code=trust_remote_code)  # type: ignore[attr-defined]
    return lambda text: tokenizer.encode(text, add_special_tokens=False)


def tokenizer_loader(config: Dict[str, object]) -> Callable[[str], Encode]:
    """load_tokenizer with the loading settings the platform rendered (config["loading"])."""
    loading = config.get("loading") or {}
    trust = bool(loading.get("trustRemoteCode", False))  # type: ignore[union-attr]
    return lambda name: load_tokenizer(name, trust_remote_code=trust)


def raw_samples(raw_dir: str) -> Iterator[Dict[str, object]]:
    files = sorted(glob.glob(os.path.join(raw_dir, "**", "*.jsonl"), recursive=True))
    if not files:
        raise FileNotFoundError("no *.jsonl files under %s" % raw_dir)
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def shard_name(index: int) -> str:
    return "shard-%05d" % index


class ShardBuffer:
    """One shard being built, held as packed token ids (2 or 4 bytes each, as the shard plan budgets),
    not as Python lists (about 40 bytes per token)."""

    def __init__(self, token_bytes: int) -> None:
        self.token_bytes = token_bytes
        self.tokens = array("H" if token_bytes == 2 else "i")
        self.entries = array("q")  # offset, source length, target length per sample

    def add(self, source: List[int], target: List[int]) -> None:
        self.entries.extend((len(self.tokens), len(source), len(target)))
        try:
            self.tokens.extend(source)
            self.tokens.extend(target)
        except OverflowError:
            raise ValueError("token id does not fit in %d bytes; set tokenBytes: 4 for this tokenizer" % self.token_bytes)

    def write(self, shard_dir: str, index: int) -> None:
        if sys.byteorder != "little":
            self.tokens.byteswap()
        entries = self.entries.tolist()
        base = os.path.join(shard_dir, shard_name(index))
        write_atomically(base + ".bin", self.tokens.tobytes())
        write_atomically(base + ".idx.json", json.dumps({"samples": [entries[i:i + 3] for i in range(0, len(entries), 3)]}).encode("utf-8"))


def shard_done(shard_dir: str, index: int) -> bool:
    return os.path.exists(os.path.join(shard_dir, shard_name(index) + ".idx.json"))


def run(config: Dict[str, object], worker: int, encode_loader: Callable[[str], Encode] = load_tokenizer,
        log: Callable[[str], None] = print) -> int:
    identity = config["identity"]  # type: ignore[assignment]
    key = manifest_key(identity)  # type: ignore[arg-type]
    if key != config["manifestKey"]:
        log("manifest key mismatch: the platform computed %s, this script %s; refusing to write shards" % (config["manifestKey"], key))
        return 2
    shard_dir = os.path.join(str(config["dataRoot"]), str(config["shardDir"]))
    existing = read_manifest(shard_dir)
    if existing is not None and existing.get("key") == key:
        log("shards for %s already tokenised (manifest %s): nothing to do" % (identity["dataset"], key[:12]))  # type: ignore[index]
        return 0
    os.makedirs(shard_dir, exist_ok=True)
    hygiene = identity["hygiene"]  # type: ignore[index]
    plan = identity["shardPlan"]  # type: ignore[index]
    filler = compile_filler(hygiene["fillerWords"])
    banned = compile_banned(hygiene["bannedPatterns"])
    raw_dir = os.path.join(str(config["dataRoot"]), str(config["rawPath"]))
    workers = int(config["parallelism"])  # type: ignore[arg-type]
    shard_count = int(plan["shardCount"])

    # Pass 1 (no tokeniser): which samples survive hygiene, so shards split the kept ones evenly.
    kept_count = sum(1 for raw in raw_samples(raw_dir) if keep_sample(raw, filler, banned))
    ranges = shard_ranges(kept_count, shard_count)
    mine = set(owned_shards(worker, workers, shard_count))
    todo = {s for s in mine if not shard_done(shard_dir, s)}
    log("worker %d/%d: %d kept samples, %d shards, writing %d (%d already written)" % (worker, workers, kept_count, shard_count, len(todo), len(mine) - len(todo)))

    # Pass 2: tokenise this worker's shards, holding one shard in memory at a time.
    encode = encode_loader(str(identity["tokenizer"])) if todo else None  # type: ignore[index]
    token_bytes = int(plan["tokenBytes"])
    buffer = ShardBuffer(token_bytes)
    shard = 0
    kept_index = 0
    for raw in raw_samples(raw_dir):
        if not todo or not keep_sample(raw, filler, banned):
            continue
        while kept_index >= ranges[shard][1]:
            shard += 1
        if shard in todo:
            sample = build_sample(raw, hygiene, encode, filler, banned)  # type: ignore[arg-type]
            assert sample is not None  # keep_sample agreed
            buffer.add(*sample)
            if kept_index == ranges[shard][1] - 1:
                buffer.write(shard_dir, shard)
                todo.discard(shard)
                buffer = ShardBuffer(token_bytes)
        kept_index += 1
    for s in sorted(todo):  # shards left empty (fewer kept samples than shards)
        ShardBuffer(token_bytes).write(shard_dir, s)

    if all(shard_done(shard_dir, s) for s in range(shard_count)):
        write_manifest(shard_dir, {
            "key": key,
            "identity": identity,
            "keptSamples": kept_count,
            "shards": [{"name": shard_name(s), "samples": ranges[s][1] - ranges[s][0]} for s in range(shard_count)],
        })
        log("all %d shards written: manifest %s" % (shard_count, key[:12]))
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="the data set's job config (JSON), rendered by the platform")
    args = parser.parse_args(argv)
    with open(args.config, encoding="utf-8") as f:
        config = json.load(f)
    return run(config, int(os.environ.get("JOB_COMPLETION_INDEX", "0")), tokenizer_loader(config))


if __name__ == "__main__":
    sys.exit(main())
