"""Hand-written behaviour on top of the generated models. Nothing here is generated."""
