"""Widgets of the meeting and results screens, one module each."""
