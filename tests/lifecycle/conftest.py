"""Fixtures for lifecycle tests; the world itself lives in lifecycle_world.py."""

from lifecycle_world import world  # noqa: F401  (fixture)
