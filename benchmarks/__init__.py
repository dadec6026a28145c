"""Side-by-side benchmarks of numerapi-gen and numerapi 3.1.1.

Run ``python -m benchmarks --help``. Every case measures both clients in the
same run against the local fake Numerai server, which runs in its own process
(see :mod:`benchmarks.serve`); every client measurement runs in a fresh
process (see :mod:`benchmarks.child`), so import time, memory and CPU of one
measurement never leak into another. Results go to ``BENCHMARKS.md``.

This package is deliberately free of imports: ``benchmarks.child`` is started
for each measurement and must not pay for anything it does not use.
"""
