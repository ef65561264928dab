"""Backtest predictions carry probabilities (and Dixon-Coles's score matrix), and the two
ways a replay predicts give the same rows.

With reference models only, the replay asks the forecasters itself (``backtest.direct``);
with an LLM among the models it runs the real predict job per match against the sandbox.
The reference models' stored predictions must not depend on which way was taken.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scoreline.backtest import run_backtest
from scoreline.config import load_config
from scoreline.sandbox import SandboxServer
from scoreline.sandbox.replies import predict_probabilities
from scoreline.store import Database, Prediction

MATCHES = 20
REFERENCE = ["ref-market", "ref-dixon-coles", "ref-home-2-1"]
OPTIONS: dict[str, Any] = {"competition": "E0", "season": "2024-25", "max_matches": MATCHES}


def _rows(directory: Path) -> dict[tuple[str, str], Prediction]:
    db = Database(f"sqlite:///{directory / 'backtest-E0-2024-25.db'}")
    with db.session() as session:
        rows = {(p.match_id, p.model_id): p for p in session.scalars(select(Prediction))}
    db.dispose()
    return rows


def _stored(p: Prediction) -> tuple[Any, ...]:
    return (p.predicted_home, p.predicted_away, p.p_home, p.p_draw, p.p_away, p.score_matrix)


@pytest.fixture(scope="module")
def direct(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Prediction]:
    directory = tmp_path_factory.mktemp("direct")
    run_backtest(load_config(), models=REFERENCE, directory=directory, **OPTIONS)
    return _rows(directory)


def test_every_reference_prediction_has_probabilities_summing_to_one(
    direct: dict[tuple[str, str], Prediction],
) -> None:
    assert len(direct) == MATCHES * len(REFERENCE)
    for p in direct.values():
        assert p.p_home is not None and p.p_draw is not None and p.p_away is not None
        assert p.p_home + p.p_draw + p.p_away == pytest.approx(1.0, abs=1e-9)
        assert p.probability_note is None


def test_dixon_coles_stores_its_matrix_where_it_fitted(
    direct: dict[tuple[str, str], Prediction],
) -> None:
    dixon_coles = [p for (_, m), p in direct.items() if m == "ref-dixon-coles"]
    fitted = [p for p in dixon_coles if p.score_matrix is not None]
    assert fitted, "no Dixon-Coles fit in the first matchdays"
    for p in fitted:
        grid = json.loads(p.score_matrix or "")
        assert len(grid) == 11
        home_mass = sum(grid[h][a] for h in range(11) for a in range(11) if h > a)
        assert home_mass == pytest.approx(p.p_home, abs=1e-3)
    # Promoted sides have no history in the window: the market answers, without a matrix.
    unfitted = [p for p in dixon_coles if p.score_matrix is None]
    assert unfitted
    for p in unfitted:
        assert _stored(p)[:5] == _stored(direct[(p.match_id, "ref-market")])[:5]
    assert all(p.score_matrix is None for (_, m), p in direct.items() if m != "ref-dixon-coles")


def test_the_predict_job_path_stores_the_same_rows_and_the_llms_probabilities(
    tmp_path: Path,
    fresh_sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    direct: dict[tuple[str, str], Prediction],
) -> None:
    monkeypatch.setenv("SL_TEST_ALPHA_KEY", "sk-test-alpha")
    config_file = tmp_path / "scoreline.toml"
    config_file.write_text(
        f"""
[providers.alpha]
base_url = "{fresh_sandbox.base_url}"
api_key_env = "SL_TEST_ALPHA_KEY"
timeout_s = 5
[[models]]
id = "llm"
provider = "alpha"
model = "llm-wire"
"""
    )
    directory = tmp_path / "job"
    result = run_backtest(
        load_config(config_file), models=[*REFERENCE, "llm"], directory=directory, **OPTIONS
    )
    assert result.predictions == MATCHES * (len(REFERENCE) + 1)
    rows = _rows(directory)
    for key, p in direct.items():
        assert _stored(rows[key]) == _stored(p), key
    for (match_id, model_id), p in rows.items():
        if model_id == "llm":
            stated = (p.p_home, p.p_draw, p.p_away)
            assert stated == pytest.approx(predict_probabilities("llm-wire", match_id))
