"""The embedded DuckDB store: schema and migrations, connections with a clear busy error, typed readers."""

from industrial_brain.store.connection import Store, default_db_path, open_store
from industrial_brain.store.schema import SCHEMA_VERSION

__all__ = ["Store", "open_store", "default_db_path", "SCHEMA_VERSION"]
