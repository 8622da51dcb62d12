"""Build-time generators: turn ``schema/lmcontract.yaml`` into every committed artefact.

This package imports linkml and is never installed with the runtime package.
"""
