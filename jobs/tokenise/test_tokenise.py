"""Unit tests for the tokenise job (standard library only; the tokenizer is injected)."""
import json
import os
import re
import sys
import tempfile
import unittest
from array import array
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from hygiene import build_sample, clean_text, compile_banned, compile_filler, feature_prefix, is_banned, left_truncate_source  # noqa: E402
from manifest import canonical_json, manifest_key, read_manifest  # noqa: E402
from shards import epoch_order, owned_shards, shard_ranges, shard_sizes  # noqa: E402
import tokenise  # noqa: E402


def word_encoder(text):
    """A stand-in tokenizer: one token per whitespace-separated word, ids from a stable hash."""
    return [sum(ord(c) for c in w) % 50000 + 1 for w in text.split()]


BANNED_PATTERNS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "testdata", "banned_patterns.json")


class BannedPatternFixtureTest(unittest.TestCase):
    """The patterns the config accepts (infra/data/bannedPatterns.ts, test/bannedPatterns.test.ts
    reads the same file) are patterns this job compiles, and match what they should."""

    def setUp(self):
        with open(BANNED_PATTERNS, encoding="utf-8") as f:
            self.fixture = json.load(f)

    def test_every_pattern_the_config_accepts_compiles_and_matches_its_example(self):
        for case in self.fixture["accepted"]:
            with self.subTest(pattern=case["pattern"]):
                banned = compile_banned([case["pattern"]])
                self.assertTrue(is_banned(case["matches"], banned))
                self.assertFalse(is_banned("", banned), "an accepted pattern never matches an empty response")

    def test_patterns_the_config_refuses_fail_or_mean_something_else_in_python(self):
        for case in self.fixture["rejected"]:
            with self.subTest(pattern=case["pattern"]):
                if case["python"] == "error":
                    with self.assertRaises(re.error):
                        compile_banned([case["pattern"]])
                elif case["python"] == "warns":
                    with self.assertWarns(FutureWarning):
                        compile_banned([case["pattern"]])
                else:
                    compile_banned([case["pattern"]])  # compiles: refused for its meaning, not its syntax


class HygieneTest(unittest.TestCase):
    def test_strips_filler_words_but_not_words_containing_them(self):
        filler = compile_filler(["uh-huh", "ah", "um"])
        self.assertEqual(clean_text("Uh-huh, I see. Ah, the ahead plan, um... yes", filler), "I see. the ahead plan, yes")

    def test_banned_content_matches_case_insensitively(self):
        banned = compile_banned([r"transfer (you )?to a human agent"])
        self.assertTrue(is_banned("Let me Transfer you to a human agent now", banned))
        self.assertFalse(is_banned("I can help you myself", banned))

    def test_feature_tags_in_configured_order_skipping_missing(self):
        user = {"region": "east", "ageBand": "30-39", "segment": ""}
        self.assertEqual(feature_prefix(user, ["ageBand", "gender", "region", "segment"]), "[ageBand=30-39] [region=east] ")
        self.assertEqual(feature_prefix(None, ["ageBand"]), "")

    def test_left_truncation_keeps_the_newest_turns(self):
        turns = [{"role": "user", "text": "oldest one two"}, {"role": "agent", "text": "middle three"}, {"role": "user", "text": "newest four"}]
        # "agent: middle three" = 3 tokens, "user: newest four" = 3 tokens
        ids = left_truncate_source(turns, "", word_encoder, 6, None)
        self.assertEqual(ids, word_encoder("agent: middle three") + word_encoder("user: newest four"))

    def test_an_overlong_newest_turn_loses_its_oldest_tokens(self):
        turns = [{"role": "user", "text": "a b c d e f g"}]
        self.assertEqual(left_truncate_source(turns, "", word_encoder, 3, None), word_encoder("e f g"))

    def test_keeps_turns_that_end_with_a_colon_and_drops_only_filler_turns(self):
        filler = compile_filler(["uh-huh"])
        turns = [{"role": "agent", "text": "We offer three plans:"}, {"role": "user", "text": "uh-huh"}]
        self.assertEqual(left_truncate_source(turns, "", word_encoder, 50, filler), word_encoder("agent: We offer three plans:"))

    def test_the_feature_prefix_survives_truncation(self):
        turns = [{"role": "user", "text": "one two three four"}]
        ids = left_truncate_source(turns, "[region=east] ", word_encoder, 4, None)
        self.assertEqual(ids, word_encoder("[region=east]") + word_encoder("two three four"))

    def test_build_sample_drops_banned_replies_and_truncates_targets(self):
        config = {"maxSourceLength": 8, "maxTargetLength": 2, "featureTags": ["region"]}
        banned = compile_banned(["human agent"])
        raw = {"turns": [{"role": "user", "text": "hi"}], "response": "sure thing friend", "user": {"region": "west"}}
        source, target = build_sample(raw, config, word_encoder, None, banned)
        self.assertEqual(target, word_encoder("sure thing"))
        self.assertEqual(source, word_encoder("[region=west] user: hi"))
        self.assertIsNone(build_sample({**raw, "response": "a human agent will call"}, config, word_encoder, None, banned))
        self.assertIsNone(build_sample({**raw, "response": "uh-huh"}, config, word_encoder, compile_filler(["uh-huh"]), banned))


class ShardsTest(unittest.TestCase):
    def test_sizes_differ_by_at_most_one_and_cover_every_sample(self):
        sizes = shard_sizes(1003, 16)
        self.assertEqual(sum(sizes), 1003)
        self.assertLessEqual(max(sizes) - min(sizes), 1)
        ranges = shard_ranges(1003, 16)
        self.assertEqual(ranges[0][0], 0)
        self.assertEqual(ranges[-1][1], 1003)

    def test_the_first_shards_hold_the_remainder(self):
        # 1003 = 16 x 62 + 11: shards 0-10 hold 63 samples, shards 11-15 hold 62
        self.assertEqual(shard_sizes(1003, 16), [63] * 11 + [62] * 5)
        self.assertEqual(shard_ranges(1003, 16)[10:12], [(630, 693), (693, 755)])  # 10 x 63 = 630
        # on a multiple, just under and just over
        self.assertEqual(shard_sizes(32, 16), [2] * 16)
        self.assertEqual(shard_sizes(31, 16), [2] * 15 + [1])
        self.assertEqual(shard_sizes(33, 16), [3] + [2] * 15)

    def test_workers_split_the_shards(self):
        self.assertEqual(owned_shards(1, 4, 10), [1, 5, 9])
        self.assertEqual(owned_shards(0, 4, 8), [0, 4])
        self.assertEqual(owned_shards(3, 4, 3), [])

    def test_every_epoch_reads_every_shard_once_with_ranks_balanced_to_one_sample(self):
        shard_count, world, kept = 48, 16, 100003
        sizes = shard_sizes(kept, shard_count)
        orders = [epoch_order(shard_count, world, epoch, seed=7) for epoch in range(5)]
        for order in orders:
            self.assertEqual(sorted(s for rank in order for s in rank), list(range(shard_count)))
            per_rank = [sum(sizes[s] for s in rank) for rank in order]
            self.assertLessEqual(max(per_rank) - min(per_rank), 1)
        self.assertNotEqual(orders[0], orders[1], "the order changes between epochs")
        self.assertEqual(orders[2], epoch_order(shard_count, world, 2, seed=7), "and is reproducible")

    def test_refuses_a_shard_count_that_is_not_a_multiple_of_the_world_size(self):
        with self.assertRaises(ValueError) as raised:
            epoch_order(10, 4, 0, 1)
        self.assertEqual(str(raised.exception), "shard_count 10 is not a multiple of world_size 4")
        # on a multiple (8 = 2 × 4) there is no refusal: two rounds of four shards
        self.assertEqual(sorted(len(rank) for rank in epoch_order(8, 4, 0, 1)), [2, 2, 2, 2])


class ShardMemoryTest(unittest.TestCase):
    def test_a_token_id_too_large_for_two_bytes_names_the_setting_to_change(self):
        buffer = tokenise.ShardBuffer(2)
        buffer.add([65535], [0])  # the largest id two bytes hold
        with self.assertRaises(ValueError) as raised:
            buffer.add([65536], [])
        self.assertEqual(str(raised.exception), "token id does not fit in 2 bytes; set tokenBytes: 4 for this tokenizer")

    def test_raw_data_without_jsonl_files_is_refused_naming_the_folder(self):
        with tempfile.TemporaryDirectory() as empty:
            with self.assertRaises(FileNotFoundError) as raised:
                list(tokenise.raw_samples(empty))
            self.assertEqual(str(raised.exception), "no *.jsonl files under %s" % empty)

    def test_a_shard_in_memory_costs_its_token_bytes_not_python_objects(self):
        for token_bytes in (2, 4):
            buffer = tokenise.ShardBuffer(token_bytes)
            for i in range(10000):
                buffer.add(list(range(i % 500, i % 500 + 60)), list(range(40)))  # 100 tokens a sample
            tokens = 10000 * 100
            self.assertEqual(len(buffer.tokens), tokens)
            # packed ids plus a 24-byte index entry per sample (infra/data/shardPlan.ts INDEX_BYTES_PER_SAMPLE), not ~40 B/token
            self.assertLess(sys.getsizeof(buffer.tokens) + sys.getsizeof(buffer.entries), tokens * token_bytes * 1.2 + 10000 * 24 * 1.2)


class ManifestTest(unittest.TestCase):
    def test_key_is_sha256_of_canonical_json(self):
        self.assertEqual(canonical_json({"b": [1, "é"], "a": 1}), '{"a":1,"b":[1,"é"]}')
        self.assertEqual(manifest_key({"a": 1}), "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862")

    def test_any_identity_change_changes_the_key(self):
        identity = {"dataset": "d", "version": "1", "hygiene": {"maxSourceLength": 512}}
        changed = {**identity, "hygiene": {"maxSourceLength": 1024}}
        self.assertNotEqual(manifest_key(identity), manifest_key(changed))


def write_raw(directory, samples):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "part-000.jsonl"), "w", encoding="utf-8") as f:
        for s in samples:
            f.write(json.dumps(s) + "\n")


def job_config(root, shard_count=4, parallelism=2):
    identity = {
        "dataset": "sales",
        "version": "2026-11-01",
        "tokenizer": "test-tokenizer",
        "hygiene": {"maxSourceLength": 16, "maxTargetLength": 8, "fillerWords": ["uh-huh"], "bannedPatterns": ["human agent"], "featureTags": ["region"]},
        "shardPlan": {"shardCount": shard_count, "worldSize": 4, "tokenBytes": 4},
    }
    return {"identity": identity, "manifestKey": manifest_key(identity), "dataRoot": root, "rawPath": "raw/sales", "shardDir": "shards/sales/k", "parallelism": parallelism}


class TokeniseJobTest(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp()
        samples = [{"id": i, "turns": [{"role": "user", "text": "question %d uh-huh" % i}], "response": "answer %d" % i, "user": {"region": "east"}} for i in range(23)]
        samples[5]["response"] = "let me get a human agent"
        write_raw(os.path.join(self.root, "raw/sales"), samples)
        self.loads = Counter()

    def loader(self, name):
        self.loads[name] += 1
        return word_encoder

    def run_worker(self, config, worker):
        logs = []
        code = tokenise.run(config, worker, encode_loader=self.loader, log=logs.append)
        return code, logs

    def test_workers_write_their_shards_and_the_last_one_writes_the_manifest(self):
        config = job_config(self.root)
        shard_dir = os.path.join(self.root, "shards/sales/k")
        self.assertEqual(self.run_worker(config, 0)[0], 0)
        self.assertIsNone(read_manifest(shard_dir), "no manifest while shards 1 and 3 are missing")
        self.assertEqual(self.run_worker(config, 1)[0], 0)
        manifest = read_manifest(shard_dir)
        self.assertEqual(manifest["key"], config["manifestKey"])
        self.assertEqual(manifest["keptSamples"], 22)  # one banned reply dropped
        self.assertEqual([s["samples"] for s in manifest["shards"]], [6, 6, 5, 5])
        with open(os.path.join(shard_dir, "shard-00000.idx.json")) as f:
            index = json.load(f)["samples"]
        tokens = array("i")
        with open(os.path.join(shard_dir, "shard-00000.bin"), "rb") as f:
            tokens.frombytes(f.read())
        offset, source_len, target_len = index[0]
        self.assertEqual(tokens[offset:offset + source_len].tolist(), word_encoder("[region=east] user: question 0"))
        self.assertEqual(tokens[offset + source_len:offset + source_len + target_len].tolist(), word_encoder("answer 0"))

    def test_a_retrain_with_the_same_identity_reuses_the_shards(self):
        config = job_config(self.root)
        self.run_worker(config, 0)
        self.run_worker(config, 1)
        self.loads.clear()
        code, logs = self.run_worker(config, 0)
        self.assertEqual(code, 0)
        self.assertEqual(self.loads, Counter(), "the tokenizer is not even loaded")
        self.assertTrue(re.search(r"already tokenised \(manifest [0-9a-f]{12}\): nothing to do", logs[-1]))

    def test_a_restarted_worker_skips_shards_it_already_wrote(self):
        config = job_config(self.root)
        self.run_worker(config, 0)
        code, logs = self.run_worker(config, 0)
        self.assertIn("writing 0 (2 already written)", logs[0])

    def test_refuses_a_config_whose_key_disagrees_with_its_identity(self):
        config = job_config(self.root)
        config["manifestKey"] = "0" * 64
        code, logs = self.run_worker(config, 0)
        self.assertEqual(code, 2)
        self.assertIn("manifest key mismatch", logs[0])



class FakeAutoTokenizer:
    """Records how from_pretrained was called; its tokenizer encodes one id per word."""

    calls = []

    @classmethod
    def from_pretrained(cls, name, **kwargs):
        cls.calls.append((name, kwargs))

        class Tokenizer:
            @staticmethod
            def encode(text, add_special_tokens=True):
                return [len(word) for word in text.split()] + ([0] if add_special_tokens else [])

        return Tokenizer()


class TokenizerLoadingTest(unittest.TestCase):
    def setUp(self):
        FakeAutoTokenizer.calls = []

    def test_passes_trust_remote_code_only_when_the_config_says_so(self):
        tokenise.load_tokenizer("/data/models/chatglm2-6b", trust_remote_code=True, auto_tokenizer=FakeAutoTokenizer)
        tokenise.load_tokenizer("meta-llama/Llama-3.1-8B-Instruct", auto_tokenizer=FakeAutoTokenizer)
        self.assertEqual(FakeAutoTokenizer.calls, [
            ("/data/models/chatglm2-6b", {"trust_remote_code": True}),
            ("meta-llama/Llama-3.1-8B-Instruct", {"trust_remote_code": False}),
        ])

    def test_encodes_without_special_tokens(self):
        encode = tokenise.load_tokenizer("x/y", auto_tokenizer=FakeAutoTokenizer)
        self.assertEqual(encode("ab cde"), [2, 3])

    def test_reads_the_loading_settings_the_platform_rendered(self):
        original = tokenise.load_tokenizer
        seen = []
        tokenise.load_tokenizer = lambda name, trust_remote_code=False, auto_tokenizer=None: seen.append((name, trust_remote_code))
        try:
            tokenise.tokenizer_loader({"loading": {"trustRemoteCode": True, "offline": True}})("/data/models/chatglm2-6b")
            tokenise.tokenizer_loader({"loading": {"trustRemoteCode": False, "offline": False}})("meta-llama/x")
            tokenise.tokenizer_loader({})("gpt2/x")  # a config from before the setting existed: off
        finally:
            tokenise.load_tokenizer = original
        self.assertEqual(seen, [("/data/models/chatglm2-6b", True), ("meta-llama/x", False), ("gpt2/x", False)])


if __name__ == "__main__":
    unittest.main()
