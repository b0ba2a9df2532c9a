"""``python -m zimes_audit`` runs the command line, as ``zimes-audit`` does."""

from zimes_audit.cli import console

if __name__ == "__main__":
    console()
