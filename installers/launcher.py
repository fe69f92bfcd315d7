# Entry script for the frozen soloit executables (soloit.exe and soloit-cli.exe).
from soloit.cli import main

raise SystemExit(main())
