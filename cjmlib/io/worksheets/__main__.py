"""``python -m cjmlib.io.worksheets --leer`` / ``--aus arbeitsbuch.cjm.json``: the command line."""

from cjmlib.io.worksheets import main

raise SystemExit(main())
