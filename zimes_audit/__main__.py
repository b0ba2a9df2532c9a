"""``python -m zimes_audit`` runs the command line."""

from zimes_audit.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
