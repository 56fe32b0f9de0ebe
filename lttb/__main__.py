"""``python -m lttb``: the ``lttb-reproduce`` command."""

from .cli import main

# Guarded because the 'spawn' start method re-imports the main module in
# every worker process, where the command must not run again.
if __name__ == "__main__":
    raise SystemExit(main())
