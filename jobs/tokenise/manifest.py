"""The tokenised shards' manifest, keyed by everything that decides their content.

The key is sha256 over canonical JSON (sorted keys, no whitespace) of the shards' identity: data set
name and version, tokenizer, hygiene settings, lengths and the shard plan. The platform computes the
same key (infra/data/tokenise.ts) to name the job and the shard directory; a retrain with the same
identity finds the manifest and reuses the shards.
"""
import hashlib
import json
import os
from typing import Dict, Optional


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def manifest_key(identity: Dict[str, object]) -> str:
    return hashlib.sha256(canonical_json(identity).encode("utf-8")).hexdigest()


def manifest_path(shard_dir: str) -> str:
    return os.path.join(shard_dir, "manifest.json")


def read_manifest(shard_dir: str) -> Optional[Dict[str, object]]:
    try:
        with open(manifest_path(shard_dir), encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def write_atomically(path: str, data: bytes) -> None:
    """Write to a temporary name and rename: readers never see half a file, writers never clash."""
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_manifest(shard_dir: str, manifest: Dict[str, object]) -> None:
    write_atomically(manifest_path(shard_dir), (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
