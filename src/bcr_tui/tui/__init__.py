"""The Textual app: screens, widgets, styles, themes and the command palette."""
