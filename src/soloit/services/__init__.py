"""Service commands: the only code that opens transactions. Each returns plain dataclasses (and what changed)."""
