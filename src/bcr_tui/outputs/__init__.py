"""What bcr makes from sessions for people outside the meeting: exports, reports, the MOU draft,
comparisons, roll-ups, and the one colour scale they (and the heatmap widget) use."""
