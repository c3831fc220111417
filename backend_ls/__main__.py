from backend_ls.cli import main

raise SystemExit(main())
