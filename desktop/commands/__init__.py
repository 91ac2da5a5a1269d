"""Command-line subcommands of `tongdai1022`."""
