"""The fast tier's world: :mod:`acorn.testing.world` (the benchmarks use it too)."""

from acorn.testing.world import US, World, gates_pass

__all__ = ["US", "World", "gates_pass"]
