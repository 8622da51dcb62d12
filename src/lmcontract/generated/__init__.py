# GENERATED FILE: DO NOT EDIT.
# Produced by `make gen` (python -m codegen) from schema/lmcontract.yaml with linkml 1.12.1.
# Change the schema or the generator, then regenerate; `make check-gen` fails on any hand edit.
"""Generated from schema/lmcontract.yaml: the models (models.py), the JSON Schema, and the tables the runtime reads (merge_policy.py, finish_reasons.py)."""
