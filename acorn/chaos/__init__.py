"""Chaos benchmark: no silent loss and no double acceptance, against real, killed processes.

``acorn bench chaos`` (or ``benchmarks/chaos.py``) and ``tests/lifecycle/test_chaos.py`` run
the same code: :func:`acorn.chaos.harness.run_chaos` with :class:`~acorn.chaos.harness.ChaosOptions`.
Kept import-light: ``acorn bench chaos --help`` loads this package.
"""
