"""bcr: run community partnership assessments live, in the room."""

__version__ = "0.1.0"
