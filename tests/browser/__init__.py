"""End-to-end tests in headless Chromium against a live server, with axe-core checks."""
