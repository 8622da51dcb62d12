"""Subcommands of ``lmcontract`` beyond validate and schema, one module each.

Each module has ``register(commands)``: it adds its subparser to the argparse subparsers
``commands`` and sets ``run=callable(args) -> exit status`` as a default. ``lmcontract.cli``
lists the modules in ``COMMAND_MODULES``; a module is imported when the parser is built, and
whatever heavy work a command needs is imported inside its ``run``.
"""
