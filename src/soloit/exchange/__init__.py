"""Files in and out (the status pack, the ministry's step sheet): written and read through services, never the UI."""
