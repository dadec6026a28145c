"""``python -m benchmarks``: run the side-by-side benchmarks (see ``--help``)."""

from benchmarks.runner import main

raise SystemExit(main())
