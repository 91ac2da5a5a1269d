"""The local SQLite store: models, engine, migrations, catalog loading."""
