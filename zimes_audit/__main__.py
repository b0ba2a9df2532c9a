from zimes_audit.cli import main

raise SystemExit(main())
