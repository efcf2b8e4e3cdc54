"""fogbank: a local AWS cloud that AWS's own clients talk to unchanged."""

__version__ = "0.1.0"
