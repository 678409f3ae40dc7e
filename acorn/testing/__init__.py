"""Helpers shared by the test suite and the benchmarks: real parts started on demand."""
