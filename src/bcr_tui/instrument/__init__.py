"""The instrument format: dataclasses (`model`), their validation, and loading files.

`model` imports nothing above it; `validation` imports `model`; `load` imports both."""
