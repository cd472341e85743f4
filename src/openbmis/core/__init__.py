"""Cross-cutting pieces every app uses: time-ordered ids, request ids, secure headers,
the installation's identity, and the home page."""
