"""Services: read the store, call a pure engine, write results back with lineage.

Interfaces (CLI, REST API, reports) call services, never the store and the engines directly.
"""
