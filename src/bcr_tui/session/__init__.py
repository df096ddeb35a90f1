"""A session in memory and what changes it: its records, the state and its operations, turns,
the roster a facilitator types, the demo. No file is read or written here (but a roster file)."""
