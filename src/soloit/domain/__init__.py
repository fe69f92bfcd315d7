"""Pure domain rules: no Qt, no SQLAlchemy, no file I/O."""
