"""numerapi's interface with numerapi's values: migrating is a change of import.

    # from numerapi import NumerAPI
    from numerapi_gen.compat import NumerAPI

    napi = NumerAPI(public_id, secret_key, "debug")
    pd.DataFrame(napi.daily_model_performances("my_model"))

Every public method of numerapi 3.1.1's ``NumerAPI``, ``SignalsAPI`` and
``CryptoAPI`` returns what numerapi returns (plain dicts and lists, numerapi's
keys, ``datetime``/``Decimal`` exactly where numerapi converts), while the
requests go through numerapi-gen's typed client (argument checks, retries,
verified transfers, typed errors). ``.typed`` is that client, for moving to
typed results one call at a time.
"""

from __future__ import annotations

from ._api import CryptoAPI, NumerAPI, SignalsAPI

__all__ = ["CryptoAPI", "NumerAPI", "SignalsAPI"]
