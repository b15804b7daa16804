"""One router per resource, mounted under ``/api/v1`` by :func:`industrial_brain.api.main.create_app`."""
