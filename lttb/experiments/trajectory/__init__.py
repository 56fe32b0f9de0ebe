"""Your own trajectory: the Figure 1 protocol on targets (and inputs) from files.

``lttb-reproduce trajectory --targets FILE [--inputs FILE]`` trains one
network per seed on the trajectory of FILE with the schedule of the
``trajectory`` preset (Figure 1's), then runs Figure 1's full test and
draws Figure 1's figures.  The command takes one trajectory: one context
(``n_contexts`` 1).  Several contexts, each its own target, can be trained
from Python (:func:`lttb.model.training.run_schedule` with ``targets`` of
shape ``n_contexts x O x T``).

:data:`DATA_FILES` declares the files the command reads besides the
configuration (the command line adds one option per entry); the arrays
reach the protocol as keyword arguments, one row per bin as in the files.
"""

SUMMARY = "your own trajectory: the Figure 1 protocol on targets (and inputs) from files"

#: Files of the command, by option name (``--targets``, ``--inputs``): one row
#: per bin; each file's rows set the configuration key ``T`` and its columns
#: the key named by ``columns``.
DATA_FILES = {
    "targets": {
        "required": True,
        "columns": "O",
        "help": "target trajectory, .npy or .csv: one row per time bin, one column per "
                "output (T x O); used as given, no rescaling",
    },
    "inputs": {
        "required": False,
        "columns": "I",
        "help": "input sequence in place of the clock, .npy or .csv: one row per time bin, "
                "one column per input (T x I), as many rows as --targets",
    },
}

#: Fewest bins a trajectory may have: a trial's read-out covers bins 1 to
#: T-3, so below 4 there is nothing to learn (the configuration's minimum T).
MIN_BINS = 4
