"""The ``lmcontract`` subcommands that live in their own modules (``cli.COMMAND_MODULES``)."""
