"""The local SQLite store: models, engine, migrations, catalog loading."""

# Every table module is loaded with the package, so Base.metadata always holds the whole schema
# (migrations, create_all, the importer's column lists) without models.py importing its siblings.
from desktop.store import (
    access_models,
    forwarding_models,
    models,
    phone_models,
    survey_models,
    sync_models,
)

__all__ = ["access_models", "forwarding_models", "models", "phone_models", "survey_models", "sync_models"]
