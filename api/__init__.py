"""HTTP API of the copilot (FastAPI). Build the app with `api.main.create_app()`."""
