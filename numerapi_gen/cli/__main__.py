"""``python -m numerapi_gen.cli``: the ``numerapi-gen`` console script."""

from numerapi_gen.cli import main

main()
