"""Unit tests for the fabric acceptance check (standard library only)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from check_busbw import Row, main, parse_rows, verdict  # noqa: E402

# nccl-tests 2.13+ output (root column), two p5.48xlarge nodes, trimmed
WITH_ROOT = """
#       size         count      type   redop    root     time   algbw   busbw #wrong     time   algbw   busbw #wrong
#        (B)    (elements)                               (us)  (GB/s)  (GB/s)            (us)  (GB/s)  (GB/s)
  1073741824     268435456     float     sum      -1   5123.4  209.57  392.95      0   5110.2  210.12  393.97      0
  8589934592    2147483648     float     sum      -1  38021.9  225.92  423.60      0  38001.1  226.04  423.83      0
# Out of bounds values : 0 OK
# Avg bus bandwidth    : 408.3
"""

# older nccl-tests (no root column), two p4d.24xlarge nodes (NVIDIA/nccl#527)
WITHOUT_ROOT = """
   1073741824     268435456     float     sum    35215   30.49   57.17  4e-07    35198   30.51   57.20  4e-07
"""


class ParseTest(unittest.TestCase):
    def test_reads_rows_with_the_root_column(self):
        rows = parse_rows(WITH_ROOT.splitlines())
        self.assertEqual([r.size for r in rows], [1073741824, 8589934592])
        self.assertEqual(rows[-1].busbw_out, 423.60)
        self.assertEqual(rows[-1].busbw_in, 423.83)

    def test_reads_rows_without_the_root_column(self):
        rows = parse_rows(WITHOUT_ROOT.splitlines())
        self.assertEqual(rows[0].busbw_out, 57.17)
        self.assertEqual(rows[0].busbw_in, 57.20)

    def test_skips_comments_headers_and_lines_of_another_shape(self):
        lines = [
            "# nccl-tests header",
            "   #  1073741824  268435456 float sum -1 1 1 1 0 1 1 1 0",  # a comment, even indented
            "size count type redop root time algbw busbw #wrong time algbw busbw #wrong",  # not a number first
            "  1024  256  float  sum  -1  10.0  0.10  0.19  0",  # 9 fields: a truncated line
            "  2048  512  float  sum  -1  10.0  0.20  x.yz  0  10.0  0.20  0.38  0",  # a field that is no number
            "",
        ]
        self.assertEqual(parse_rows(lines), [])

    def test_reads_n_a_wrong_counts_as_zero(self):
        rows = parse_rows(["  1024  256  float  sum  -1  10.0  0.10  0.19  N/A  10.0  0.10  0.19  N/A"])
        self.assertEqual(rows, [Row(1024, 0.19, 0.19, 0)])


class VerdictTest(unittest.TestCase):
    def test_passes_at_or_above_the_floor_judging_the_largest_message(self):
        # the 8 GiB row: max(423.60, 423.83) = 423.83, printed to one decimal
        self.assertEqual(verdict(parse_rows(WITH_ROOT.splitlines()), 65.0), (0, "PASS: bus bandwidth 423.8 GB/s at 8589934592 bytes (floor 65.0 GB/s)"))

    def test_fails_below_the_floor(self):
        self.assertEqual(
            verdict(parse_rows(WITHOUT_ROOT.splitlines()), 65.0),
            (1, "FAIL: bus bandwidth 57.2 GB/s at 1073741824 bytes is below the pool's floor 65.0 GB/s (is NCCL falling back to TCP?)"),
        )

    def test_judges_on_the_floor_just_under_and_just_over(self):
        rows = [Row(8589934592, 57.20, 57.17, 0)]
        self.assertEqual(verdict(rows, 57.20)[0], 0)  # on the floor: pass
        self.assertEqual(verdict(rows, 57.19)[0], 0)  # just under the measurement: pass
        self.assertEqual(verdict(rows, 57.21)[0], 1)  # just over the measurement: fail

    def test_judges_the_largest_message_not_the_fastest(self):
        rows = [Row(1073741824, 500.0, 500.0, 0), Row(8589934592, 60.0, 59.0, 0)]
        self.assertEqual(verdict(rows, 65.0)[1], "FAIL: bus bandwidth 60.0 GB/s at 8589934592 bytes is below the pool's floor 65.0 GB/s (is NCCL falling back to TCP?)")

    def test_fails_on_wrong_results_even_above_the_floor(self):
        rows = parse_rows([WITH_ROOT.splitlines()[3].replace("      0   5110.2", "      3   5110.2")])
        self.assertEqual(verdict(rows, 1.0), (1, "FAIL: 3 wrong results: the fabric corrupts data"))

    def test_counts_wrong_results_of_both_directions_and_of_every_row(self):
        rows = [Row(1, 500.0, 500.0, 2), Row(2, 500.0, 500.0, 1)]
        self.assertEqual(verdict(rows, 1.0), (1, "FAIL: 3 wrong results: the fabric corrupts data"))
        line = WITH_ROOT.splitlines()[3].replace("      0   5110.2", "      2   5110.2")
        self.assertEqual(parse_rows([line[: line.rstrip().rfind(" ")] + " 1"])[0].wrong, 3)

    def test_no_results_is_an_error_not_a_pass(self):
        self.assertEqual(verdict([], 1.0), (2, "no all_reduce_perf results in the output"))


class MainTest(unittest.TestCase):
    def test_runs_the_command_and_judges_its_output(self):
        script = "print(%r)" % WITH_ROOT
        self.assertEqual(main(["--min-busbw-gbps", "400", "--", sys.executable, "-c", script]), 0)
        self.assertEqual(main(["--min-busbw-gbps", "500", "--", sys.executable, "-c", script]), 1)

    def test_a_failing_test_command_is_exit_2(self):
        self.assertEqual(main(["--min-busbw-gbps", "1", "--", sys.executable, "-c", "import sys; sys.exit(3)"]), 2)


if __name__ == "__main__":
    unittest.main()
