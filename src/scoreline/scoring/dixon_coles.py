"""The ``ref-dixon-coles`` forecaster: a team-strength model fitted on history.

A Dixon-Coles goal model (penaltyblog's, fitted through its compiled kernels:
``scoring.dixon_coles_fit``) is fitted on the competition's results of roughly the
last season and a bit (``lookback_days``), each weighted by ``exp(-xi * age_in_days)``
so that recent form counts more. Its score grid goes through the same expected-points
choice as ``ref-market``.

Fits are shared: the fit only uses results from before the match day (UTC
midnight), so every match of a day asks for the same fit and the cache answers
all but the first. Leaving out same-day earlier results costs little and can
only remove information, never leak it. The cache key also holds a digest of
the results used, so a changed history can never be served a stale fit.

penaltyblog is an optional extra (it pulls in plotting and notebook packages);
only its compiled kernels are imported, when this forecaster runs. A release whose
kernels are missing or differ gets its public ``DixonColesGoalModel`` instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scoreline.forecast import Estimate
from scoreline.scoring import dixon_coles_fit
from scoreline.scoring.expected import best_score_for_expected_points
from scoreline.scoring.extras import MissingExtraError, import_lean, single_threaded_blas
from scoreline.scoring.goals import outcome_probabilities, score_matrix_json
from scoreline.scoring.history import MatchInfo, PastResult, results_before
from scoreline.scoring.market import estimate_market, predict_market

__all__ = [
    "DixonColesCache",
    "DixonColesSettings",
    "MissingExtraError",
    "dixon_coles_score_matrix",
    "estimate_dixon_coles",
    "predict_dixon_coles",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DixonColesSettings:
    """How much history to fit on and when there is too little."""

    lookback_days: int = 400
    """Results older than this (before the match day) are left out: about the
    current and the previous season."""
    xi: float = 0.0018
    """Time-decay rate per day (weight halves in about 385 days)."""
    min_matches: int = 100
    """Fewest results in the window for a fit; fewer -> fall back to ``ref-market``."""
    min_team_matches: int = 5
    """Fewest results per team (promoted teams early on) -> else fall back."""
    max_goals: int = 10
    """Largest goal count per team in the predicted score grid."""


@dataclass(slots=True, eq=False)
class DixonColesCache:
    """Fitted models keyed by (competition, cut-off day, settings, history digest).

    Thread-safe; least recently used fits are dropped past ``maxsize``. A fit asked for
    while another thread computes it is waited for, not computed twice: the predict jobs of
    a match day run side by side and all want the same fit.
    """

    maxsize: int = 64
    """Most fits kept."""
    fits: int = 0
    """Fits computed so far."""
    hits: int = 0
    """Requests answered from the cache."""
    fit_seconds: float = 0.0
    """Wall time spent fitting, summed over all fits."""
    _models: OrderedDict[tuple[Any, ...], dixon_coles_fit.FittedModel | None] = field(
        default_factory=OrderedDict, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _running: dict[tuple[Any, ...], threading.Event] = field(default_factory=dict, repr=False)

    def model_for(
        self,
        key: tuple[Any, ...],
        results: Sequence[PastResult],
        *,
        cutoff: datetime,
        xi: float,
    ) -> dixon_coles_fit.FittedModel | None:
        """Return the fitted model for ``key``, fitting it on ``results`` if needed.

        Returns:
            The fit, or None when the optimiser did not converge (remembered
            too, so a failing window is not refitted).
        """
        while True:
            found, running, mine = self._lookup(key)
            if running is None:
                return found
            if mine:
                break
            running.wait()  # another thread fits it; then look again
        try:
            return self._fit_and_keep(key, results, cutoff=cutoff, xi=xi)
        finally:
            with self._lock:
                del self._running[key]
            running.set()

    def _lookup(
        self, key: tuple[Any, ...]
    ) -> tuple[dixon_coles_fit.FittedModel | None, threading.Event | None, bool]:
        """``(model, None, False)`` when cached; else ``(None, event, mine)``: ``mine`` when
        this caller is to fit (the event is new), else another thread's running fit."""
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                self.hits += 1
                return self._models[key], None, False
            running = self._running.get(key)
            if running is not None:
                return None, running, False
            mine = self._running[key] = threading.Event()
            return None, mine, True

    def _fit_and_keep(
        self, key: tuple[Any, ...], results: Sequence[PastResult], *, cutoff: datetime, xi: float
    ) -> dixon_coles_fit.FittedModel | None:
        started = time.perf_counter()
        model: dixon_coles_fit.FittedModel | None
        try:
            model = _fit(results, cutoff=cutoff, xi=xi)
        except ValueError as exc:  # penaltyblog's "Optimization failed"
            logger.warning("Dixon-Coles fit failed for %s: %s", key[:2], exc)
            model = None
        elapsed = time.perf_counter() - started
        with self._lock:
            self.fits += 1
            self.fit_seconds += elapsed
            self._models[key] = model
            while len(self._models) > self.maxsize:
                self._models.popitem(last=False)
        return model

    def clear(self) -> None:
        """Drop every cached fit and reset the counters."""
        with self._lock:
            self._models.clear()
            self.fits = self.hits = 0
            self.fit_seconds = 0.0


DEFAULT_CACHE = DixonColesCache()
"""The process-wide cache used when no cache is passed."""


def _penaltyblog_models() -> Any:
    """Import penaltyblog's Dixon-Coles model module lazily (without the rest of
    penaltyblog; it loads pandas and scipy.stats), or explain which extra to install."""
    try:
        models = import_lean("penaltyblog.models.dixon_coles")
    except ImportError as exc:
        raise MissingExtraError(
            "the ref-dixon-coles reference model needs penaltyblog: "
            "pip install 'scoreline[reference]'"
        ) from exc
    return models


def _kernels() -> dixon_coles_fit.Kernels | None:
    """penaltyblog's compiled kernels, or None when the public model is to be used.

    Raises:
        MissingExtraError: penaltyblog is not installed.
    """
    kernels = dixon_coles_fit.kernels()
    if kernels is None:
        _penaltyblog_models()
    return kernels


def _fit(
    results: Sequence[PastResult], *, cutoff: datetime, xi: float
) -> dixon_coles_fit.FittedModel:
    """Fit a time-weighted Dixon-Coles model on ``results``."""
    ages = np.array([(cutoff - r.kickoff_at).total_seconds() / 86400 for r in results])
    columns = (
        [r.home_goals for r in results],
        [r.away_goals for r in results],
        [r.home_team for r in results],
        [r.away_team for r in results],
    )
    kernels = _kernels()
    with single_threaded_blas():
        if kernels is not None:
            return dixon_coles_fit.fit(kernels, *columns, np.exp(-xi * ages))
        model = _penaltyblog_models().DixonColesGoalModel(*columns, weights=np.exp(-xi * ages))
        _minimise(model)
    return dixon_coles_fit.PublicFit(model)


def _minimise(model: Any) -> None:
    """Run penaltyblog's own fit with the exact Jacobian of its one constraint.

    ``DixonColesGoalModel.fit()`` passes its linear constraint (attack strengths sum to
    the number of teams) without a Jacobian, so SciPy differences it numerically at every
    step: about 60 % of a fit. The model's own ``_fit`` with that constant Jacobian given
    solves the same problem (measured: parameters within 4e-10 over every fit of a season)
    in less than half the time. Without these internals its public ``fit()`` runs.
    """
    try:
        n_teams = int(model.n_teams)
        start = np.asarray(model._params, dtype=float).copy()
        loss, gradient, solve = model._loss_function, model._gradient, model._fit
    except AttributeError:
        model.fit()
        return
    constraint = dixon_coles_fit.constraint(n_teams, start.size)
    solve(loss, start, [constraint], dixon_coles_fit.bounds(n_teams), None, gradient)


def _match_day_cutoff(kickoff_at: datetime) -> datetime:
    """UTC midnight at the start of the kick-off's day."""
    day = kickoff_at.astimezone(UTC).date()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Window:
    """A match day's fitting window: its results, each team's matches in it, their digest."""

    results: list[PastResult]
    played: Counter[str]
    digest: int


_WINDOWS: OrderedDict[tuple[Any, ...], tuple[Sequence[PastResult], _Window]] = OrderedDict()
_WINDOWS_LOCK = threading.Lock()


def _window(
    history: Sequence[PastResult], match: MatchInfo, cutoff: datetime, settings: DixonColesSettings
) -> _Window:
    """The results a fit for ``match``'s day uses.

    A replay asks for every match of a day with the same history tuple: it is filtered,
    sorted and hashed once (a tuple cannot change; the entry holds it, so its id stays its).
    """
    key = (id(history), cutoff, match.competition, settings)
    if isinstance(history, tuple):
        with _WINDOWS_LOCK:
            kept = _WINDOWS.get(key)
        if kept is not None and kept[0] is history:
            return kept[1]
    start = cutoff - timedelta(days=settings.lookback_days)
    results = results_before(
        [r for r in history if start <= r.kickoff_at < cutoff],
        cutoff,
        competition=match.competition,
    )
    played = Counter(r.home_team for r in results)
    played.update(r.away_team for r in results)
    digest = hash(
        tuple((r.kickoff_at, r.home_team, r.away_team, r.home_goals, r.away_goals) for r in results)
    )
    found = _Window(results, played, digest)
    if isinstance(history, tuple):
        with _WINDOWS_LOCK:
            _WINDOWS[key] = (history, found)
            while len(_WINDOWS) > 8:
                _WINDOWS.popitem(last=False)
    return found


def _has_enough(window: _Window, match: MatchInfo, settings: DixonColesSettings) -> bool:
    """Whether the window supports a fit that knows both teams well enough."""
    if len(window.results) < settings.min_matches:
        return False
    played = window.played
    return min(played[match.home_team], played[match.away_team]) >= settings.min_team_matches


def dixon_coles_score_matrix(
    match: MatchInfo,
    history: Iterable[PastResult],
    *,
    cache: DixonColesCache | None = None,
    settings: DixonColesSettings | None = None,
) -> NDArray[np.float64] | None:
    """Return the Dixon-Coles score grid for ``match``, or None if history is too thin.

    Args:
        match: The match to forecast.
        history: Earlier results; those from before the match day in the
            match's competition and within the look-back window are used.
        cache: Where fits are shared (default: the process-wide cache).
        settings: Window and thresholds (default: ``DixonColesSettings()``).

    Returns:
        The normalised score grid (rows home goals), or None when the window
        has too few results, a team has too few matches in it, or the fit
        did not converge.

    Raises:
        MissingExtraError: If penaltyblog is not installed.
    """
    _kernels()
    settings = settings or DixonColesSettings()
    cache = DEFAULT_CACHE if cache is None else cache
    cutoff = _match_day_cutoff(match.kickoff_at)
    past = history if isinstance(history, tuple | list) else list(history)
    window = _window(past, match, cutoff, settings)
    if not _has_enough(window, match, settings):
        return None
    key = (match.competition, cutoff, settings, len(window.results), window.digest)
    model = cache.model_for(key, window.results, cutoff=cutoff, xi=settings.xi)
    if model is None:
        return None
    return model.score_grid(match.home_team, match.away_team, settings.max_goals + 1)


def predict_dixon_coles(
    match: MatchInfo,
    history: Iterable[PastResult],
    *,
    cache: DixonColesCache | None = None,
    settings: DixonColesSettings | None = None,
) -> tuple[int, int]:
    """Predict the expected-points-best score of a Dixon-Coles fit (``ref-dixon-coles``).

    Falls back to ``ref-market`` (odds, else league average, else 2-1) when
    the history is too thin for a fit (e.g. a promoted team in August) or the
    fit does not converge.

    Args:
        match: The match to forecast.
        history: Earlier results of the competition.
        cache: Where fits are shared (default: the process-wide cache).
        settings: Window and thresholds (default: ``DixonColesSettings()``).

    Returns:
        ``(home, away)``.

    Raises:
        MissingExtraError: If penaltyblog is not installed (also when the
            fallback would apply, so a missing extra never goes unnoticed).
    """
    history = history if isinstance(history, tuple) else list(history)
    matrix = dixon_coles_score_matrix(match, history, cache=cache, settings=settings)
    if matrix is None:
        return predict_market(match, history)
    return best_score_for_expected_points(matrix)


def estimate_dixon_coles(
    match: MatchInfo,
    history: Iterable[PastResult],
    *,
    cache: DixonColesCache | None = None,
    settings: DixonColesSettings | None = None,
) -> Estimate:
    """``ref-dixon-coles``'s score, its outcome probabilities and its score matrix.

    The probabilities are the grid's home-win, draw and away-win mass; the grid is stored
    too (``score_matrix_json``). Where ``predict_dixon_coles`` falls back to ``ref-market``,
    so does this, with the market's probabilities and no matrix.

    Raises:
        MissingExtraError: If penaltyblog is not installed.
    """
    history = history if isinstance(history, tuple) else list(history)
    matrix = dixon_coles_score_matrix(match, history, cache=cache, settings=settings)
    if matrix is None:
        return estimate_market(match, history)
    return Estimate(
        *best_score_for_expected_points(matrix),
        probabilities=outcome_probabilities(matrix),
        score_matrix=score_matrix_json(matrix),
    )
