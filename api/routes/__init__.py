"""Route modules; each exposes `router`, mounted by api.main.create_app."""
