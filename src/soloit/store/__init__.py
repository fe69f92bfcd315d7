"""SQLAlchemy 2 + SQLite: models, engine and PRAGMAs, migrations, the journal. No Qt here."""
