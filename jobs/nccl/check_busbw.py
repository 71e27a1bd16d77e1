"""Fabric acceptance: run nccl-tests and fail below a bus-bandwidth floor.

    python3 check_busbw.py --min-busbw-gbps 65 -- mpirun ... all_reduce_perf -b 1G -e 8G -f 2 -g 1

Streams the test's output, then judges the largest message size (where bandwidth, not latency,
dominates): exit 0 at or above the floor, 1 below it or on wrong results, 2 if the test failed or
printed no results.
"""
import argparse
import subprocess
import sys
from typing import Iterable, List, NamedTuple, Optional


class Row(NamedTuple):
    size: int
    busbw_out: float
    busbw_in: float
    wrong: int


def parse_rows(lines: Iterable[str]) -> List[Row]:
    """Result rows of all_reduce_perf, with or without the `root` column (nccl-tests 2.13+ has it)."""
    rows = []
    for line in lines:
        fields = line.split()
        if not fields or line.lstrip().startswith("#") or not fields[0].isdigit():
            continue
        if len(fields) == 13:  # size count type redop root time algbw busbw #wrong time algbw busbw #wrong
            out_bw, out_wrong, in_bw, in_wrong = fields[7], fields[8], fields[11], fields[12]
        elif len(fields) == 12:  # size count type redop time algbw busbw error time algbw busbw error
            out_bw, out_wrong, in_bw, in_wrong = fields[6], fields[7], fields[10], fields[11]
        else:
            continue
        try:
            wrong = sum(int(w) for w in (out_wrong, in_wrong) if w not in ("N/A",) and w.lstrip("-").isdigit())
            rows.append(Row(int(fields[0]), float(out_bw), float(in_bw), wrong))
        except ValueError:
            continue
    return rows


def verdict(rows: List[Row], floor: float) -> (int, str):
    if not rows:
        return 2, "no all_reduce_perf results in the output"
    wrong = sum(r.wrong for r in rows)
    largest = max(rows, key=lambda r: r.size)
    busbw = max(largest.busbw_out, largest.busbw_in)
    if wrong:
        return 1, "FAIL: %d wrong results: the fabric corrupts data" % wrong
    if busbw < floor:
        return 1, "FAIL: bus bandwidth %.1f GB/s at %d bytes is below the pool's floor %.1f GB/s (is NCCL falling back to TCP?)" % (busbw, largest.size, floor)
    return 0, "PASS: bus bandwidth %.1f GB/s at %d bytes (floor %.1f GB/s)" % (busbw, largest.size, floor)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-busbw-gbps", type=float, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the nccl-tests command")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the nccl-tests command after --")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:  # type: ignore[union-attr]
        sys.stdout.write(line)
        lines.append(line)
    if process.wait() != 0:
        print("FAIL: the test exited with %d" % process.returncode)
        return 2
    code, message = verdict(parse_rows(lines), args.min_busbw_gbps)
    print(message)
    return code


if __name__ == "__main__":
    sys.exit(main())
