"""pytest plugin: fixtures for testing against a local fake Numerai server."""
