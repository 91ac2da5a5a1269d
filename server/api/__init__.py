"""HTTP layer of the server: the app factory, dependencies and routes."""
