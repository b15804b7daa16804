"""The REST API (FastAPI): ``create_app(db)`` builds the app; ``ibrain serve`` runs it with uvicorn."""

from industrial_brain.api.main import create_app

__all__ = ["create_app"]
