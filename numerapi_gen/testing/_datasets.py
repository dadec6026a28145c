"""Small but real dataset files for the fake server (parquet, JSON, CSV).

Shaped like Numerai's: ``id`` index, ``era``/``data_type`` columns, int8
``feature_*`` columns on a 0..4 scale and float ``target*`` columns in
quarters, so user code that reads, filters and trains on the real files runs
unchanged. pandas/pyarrow are imported only inside the generators, so merely
importing ``numerapi_gen.testing`` stays cheap.
"""

from __future__ import annotations

import io
import json
import random
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["dataset_factories", "feature_names", "predictions_csv", "target_names"]

_ADJECTIVES = (
    "honoured",
    "unsubtle",
    "grassy",
    "polished",
    "ruthenic",
    "scrawly",
    "trimeric",
    "fleshy",
    "unvaried",
    "zonate",
    "genal",
    "biggish",
    "revealable",
    "lofty",
)
_NOUNS = (
    "observational",
    "balaamite",
    "oligocene",
    "swain",
    "zymogen",
    "tarpon",
    "plica",
    "wether",
    "crake",
    "gunwale",
    "keratin",
    "pelisse",
    "dagga",
    "warbler",
)
_N_FEATURES = 24
_ROWS_PER_ERA = 40
_TICKERS = (
    "AAPL US",
    "MSFT US",
    "NVDA US",
    "AMZN US",
    "GOOGL US",
    "META US",
    "TSLA US",
    "JPM US",
    "V US",
    "XOM US",
    "7203 JP",
    "6758 JP",
    "9984 JP",
    "SAP GY",
    "SIE GY",
    "ASML NA",
    "NESN SW",
    "ROG SW",
    "HSBA LN",
    "AZN LN",
    "BHP AU",
    "CBA AU",
    "0700 HK",
    "9988 HK",
    "005930 KS",
    "RY CN",
    "SHOP CN",
    "MC FP",
    "OR FP",
    "ITX SM",
)
_CRYPTO = (
    "BTC",
    "ETH",
    "SOL",
    "XRP",
    "ADA",
    "DOGE",
    "AVAX",
    "DOT",
    "LINK",
    "MATIC",
    "LTC",
    "ATOM",
    "NEAR",
    "UNI",
    "FIL",
    "APT",
    "ARB",
    "OP",
    "INJ",
    "NMR",
)


def feature_names(seed: int) -> list[str]:
    """Deterministic feature column names in Numerai's ``feature_adj_noun`` style."""
    rng = random.Random(f"features-{seed}")
    names: set[str] = set()
    while len(names) < _N_FEATURES:
        names.add(
            f"feature_{rng.choice(_ADJECTIVES)}_{rng.choice(_NOUNS)}_{rng.choice(_NOUNS)}"
        )
    return sorted(names)


def target_names() -> list[str]:
    """Target columns: the main ``target`` plus a few auxiliary ones."""
    return ["target", "target_cyrusd_20", "target_ralph_20", "target_victor_60"]


def _classic_frame(seed: int, kind: str, first_era: int, n_eras: int) -> bytes:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(_stable(seed, kind))
    features = feature_names(seed)
    rows = n_eras * _ROWS_PER_ERA
    eras = [f"{first_era + i // _ROWS_PER_ERA:04d}" for i in range(rows)]
    ids = [f"n{seed:04x}{kind[:2]}{i:08x}" for i in range(rows)]
    data: dict[str, object] = {
        "era": eras if kind != "live" else ["X"] * rows,
        "data_type": [kind] * rows,
    }
    for name in features:
        data[name] = rng.integers(0, 5, size=rows, dtype=np.int8)
    for target in target_names():
        if kind == "live":
            data[target] = np.full(rows, np.nan, dtype=np.float32)
        else:
            data[target] = (rng.integers(0, 5, size=rows) / 4).astype(np.float32)
    frame = pd.DataFrame(data, index=pd.Index(ids, name="id"))
    return _to_parquet(frame)


def _stable(*parts: object) -> int:
    """A process-independent RNG seed (``hash()`` of str is randomised)."""
    return zlib.crc32("-".join(map(str, parts)).encode())


def _to_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, engine="pyarrow", index=True)
    return buffer.getvalue()


def _example_preds(seed: int, kind: str, first_era: int, n_eras: int) -> bytes:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(_stable(seed, kind, "preds"))
    rows = n_eras * _ROWS_PER_ERA
    ids = [f"n{seed:04x}{kind[:2]}{i:08x}" for i in range(rows)]
    frame = pd.DataFrame(
        {"prediction": rng.random(rows).astype(np.float32)},
        index=pd.Index(ids, name="id"),
    )
    return _to_parquet(frame)


def _features_json(seed: int) -> bytes:
    features = feature_names(seed)
    document = {
        "feature_sets": {
            "small": features[:6],
            "medium": features[:14],
            "all": features,
        },
        "targets": target_names(),
    }
    return json.dumps(document, indent=2).encode()


def _signals_frame(seed: int, kind: str, n_dates: int) -> bytes:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(_stable(seed, "signals", kind))
    features = [f"feature_signal_{i}" for i in range(8)]
    dates = pd.date_range("2026-01-02", periods=n_dates, freq="7D")
    rows = [(d, t) for d in dates for t in _TICKERS]
    data: dict[str, object] = {
        "numerai_ticker": [t for _, t in rows],
        "date": [d.strftime("%Y-%m-%d") for d, _ in rows],
        "data_type": [kind] * len(rows),
    }
    for name in features:
        data[name] = rng.random(len(rows)).astype(np.float32)
    if kind != "live":
        data["target"] = (rng.integers(0, 5, size=len(rows)) / 4).astype(np.float32)
    return _to_parquet(pd.DataFrame(data))


def _crypto_universe(seed: int) -> bytes:
    import pandas as pd

    return _to_parquet(pd.DataFrame({"symbol": list(_CRYPTO)}))


def _crypto_targets(seed: int) -> bytes:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(_stable(seed, "crypto"))
    dates = pd.date_range("2025-06-06", periods=12, freq="7D")
    rows = [(d, s) for d in dates for s in _CRYPTO]
    frame = pd.DataFrame(
        {
            "symbol": [s for _, s in rows],
            "date": [d.strftime("%Y-%m-%d") for d, _ in rows],
            "target": rng.random(len(rows)).astype(np.float32),
        }
    )
    return _to_parquet(frame)


def predictions_csv(seed: str, kind: str = "classic", rows: int = 50) -> bytes:
    """A small predictions CSV like the ones users upload (seeded submissions)."""
    rng = random.Random(seed)
    if kind == "signals":
        lines = ["numerai_ticker,signal"]
        lines += [f"{t},{rng.random():.6f}" for t in _TICKERS]
    elif kind == "crypto":
        lines = ["symbol,signal"] + [f"{s},{rng.random():.6f}" for s in _CRYPTO]
    else:
        lines = ["id,prediction"] + [
            f"n{i:012x},{rng.random():.6f}" for i in range(rows)
        ]
    return ("\n".join(lines) + "\n").encode()


def dataset_factories(seed: int) -> dict[str, tuple[int, Callable[[], bytes]]]:
    """The seed world's dataset files: name -> (tournament, content factory)."""
    return {
        "v5.0/train.parquet": (8, lambda: _classic_frame(seed, "train", 1, 12)),
        "v5.0/validation.parquet": (
            8,
            lambda: _classic_frame(seed, "validation", 13, 4),
        ),
        "v5.0/live.parquet": (8, lambda: _classic_frame(seed, "live", 0, 1)),
        "v5.0/features.json": (8, lambda: _features_json(seed)),
        "v5.0/live_example_preds.parquet": (
            8,
            lambda: _example_preds(seed, "live", 0, 1),
        ),
        "v5.0/validation_example_preds.parquet": (
            8,
            lambda: _example_preds(seed, "validation", 13, 4),
        ),
        "signals/v2.0/train.parquet": (11, lambda: _signals_frame(seed, "train", 8)),
        "signals/v2.0/validation.parquet": (
            11,
            lambda: _signals_frame(seed, "validation", 3),
        ),
        "signals/v2.0/live.parquet": (11, lambda: _signals_frame(seed, "live", 1)),
        "signals/v1.0/live.parquet": (11, lambda: _signals_frame(seed, "live", 1)),
        "crypto/v1.0/live_universe.parquet": (12, lambda: _crypto_universe(seed)),
        "crypto/v1.0/train_targets.parquet": (12, lambda: _crypto_targets(seed)),
    }
