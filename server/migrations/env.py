"""Alembic environment of the server: migrations run on the engine the CLI hands in, never on import."""

from alembic import context

from server.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # `alembic revision --autogenerate` from a developer's shell
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
