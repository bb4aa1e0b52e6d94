"""Self-assessment: the web flow over ``triage_algorithms`` and the saved assessments."""
