"""The version of lttb: the single place where it is defined."""

__version__ = "0.2.0"
