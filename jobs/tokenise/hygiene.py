"""Sample hygiene for sales-dialogue fine-tuning data (the field notes' training-quality lessons).

A raw sample is a JSON object:
    {"id": "...", "turns": [{"role": "user" | "agent", "text": "..."}, ...],
     "response": "...", "user": {"ageBand": "30-39", "region": "east", ...}}
The source is the dialogue history, the target the agent's next reply.
"""
import re
from typing import Callable, Dict, Iterable, List, Optional, Sequence

Encode = Callable[[str], List[int]]


def compile_filler(words: Sequence[str]) -> Optional["re.Pattern[str]"]:
    """One pattern matching any filler word as a whole word, with the punctuation that trails it."""
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:%s)(?!\w)[,.!?…]*" % alternatives, re.IGNORECASE)


def clean_text(text: str, filler: Optional["re.Pattern[str]"]) -> str:
    """Strip filler words ("uh-huh", "ah") and collapse the whitespace they leave."""
    if filler is not None:
        text = filler.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def compile_banned(patterns: Sequence[str]) -> List["re.Pattern[str]"]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]


def is_banned(text: str, banned: Iterable["re.Pattern[str]"]) -> bool:
    """Content that must never be produced (e.g. "transfer to a human agent" in a fully automated flow)."""
    return any(p.search(text) for p in banned)


def feature_prefix(user: Optional[Dict[str, object]], tags: Sequence[str]) -> str:
    """User feature tags as a source prefix, in configured order: "[ageBand=30-39] [region=east] "."""
    if not tags or not user:
        return ""
    parts = ["[%s=%s]" % (tag, user[tag]) for tag in tags if user.get(tag) not in (None, "")]
    return (" ".join(parts) + " ") if parts else ""


def render_turn(turn: Dict[str, str], filler: Optional["re.Pattern[str]"]) -> str:
    return "%s: %s\n" % (turn.get("role", "user"), clean_text(turn.get("text", ""), filler))


def left_truncate_source(turns: Sequence[Dict[str, str]], prefix: str, encode: Encode,
                         max_tokens: int, filler: Optional["re.Pattern[str]"]) -> List[int]:
    """Token ids of the prefix plus as many of the newest turns as fit in max_tokens.

    Older turns are dropped first; if even the newest turn does not fit, its oldest tokens go.
    The prefix (user features) is kept whenever it fits on its own.
    """
    prefix_ids = encode(prefix) if prefix else []
    if len(prefix_ids) >= max_tokens:
        prefix_ids = []
    budget = max_tokens - len(prefix_ids)
    kept: List[List[int]] = []
    used = 0
    for turn in reversed(turns):
        if not clean_text(turn.get("text", ""), filler):
            continue  # a turn that was only filler
        ids = encode(render_turn(turn, filler))
        if used + len(ids) <= budget:
            kept.append(ids)
            used += len(ids)
            continue
        if not kept:
            kept.append(ids[len(ids) - budget:] if budget > 0 else [])
            used = budget
        break
    source: List[int] = list(prefix_ids)
    for ids in reversed(kept):
        source.extend(ids)
    return source


def build_sample(raw: Dict[str, object], config: Dict[str, object], encode: Encode,
                 filler: Optional["re.Pattern[str]"], banned: Sequence["re.Pattern[str]"]):
    """(source_ids, target_ids) of a raw sample, or None when hygiene drops it."""
    response = clean_text(str(raw.get("response", "")), filler)
    if not response or is_banned(response, banned):
        return None
    turns = [t for t in raw.get("turns", []) if isinstance(t, dict)]  # type: ignore[union-attr]
    prefix = feature_prefix(raw.get("user"), config["featureTags"])  # type: ignore[arg-type]
    source = left_truncate_source(turns, prefix, encode, int(config["maxSourceLength"]), filler)  # type: ignore[arg-type]
    target = encode(response)[: int(config["maxTargetLength"])]  # type: ignore[arg-type]
    return source, target


def keep_sample(raw: Dict[str, object], filler: Optional["re.Pattern[str]"], banned: Sequence["re.Pattern[str]"]) -> bool:
    """The cheap first-pass check (no tokeniser): would build_sample keep this sample?"""
    response = clean_text(str(raw.get("response", "")), filler)
    return bool(response) and not is_banned(response, banned)
