"""The one HTTP server (server.py) and the web archive served on it (archive.py). Slack's
HTTP mode adds its routes to the same server (adapters/slack/server.py)."""
