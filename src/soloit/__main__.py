from soloit.cli import main

raise SystemExit(main())
