"""Browser tests: the fixtures (browser, page, screenshots) are in tests/conftest.py."""
