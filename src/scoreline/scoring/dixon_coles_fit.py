"""Dixon-Coles fitted and predicted through penaltyblog's compiled kernels alone.

penaltyblog's ``DixonColesGoalModel`` module imports pandas and scipy.stats (about 1.3 s)
for its input types and its probability-grid class, none of which a fit needs: the
likelihood, its gradient and the score grid are compiled functions in
``penaltyblog.models.loss``, ``.gradients`` and ``.probabilities``, which load in
milliseconds. Here they are called with the arrays the model builds (its team order,
dtypes, start, bounds and constraint, the SLSQP call of ``dixon_coles._minimise``), so
the fits and grids are the model's own, to the last bit.

The kernels are private to penaltyblog, so before their first use they are checked once
against the likelihood, penaltyblog's gradient of it and the grid written out in numpy, on
a small made-up league. When a release lacks them, calls them differently or computes
something else, ``kernels()`` is None and the caller uses the public model.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import gammaln

from scoreline.scoring.extras import DIXON_COLES_KERNELS, import_lean
from scoreline.scoring.goals import _poisson_pmf

__all__ = [
    "DixonColesFit",
    "FittedModel",
    "Kernels",
    "PublicFit",
    "bounds",
    "constraint",
    "fit",
    "kernels",
]


_LONG = np.dtype("l")
"""The compiled kernels' integer type: C ``long`` (64 bits, 32 on Windows)."""
_EPSILON = 1e-9
"""The kernels' floor under a low-score correction factor before its log."""


@dataclass(frozen=True, slots=True)
class Kernels:
    """penaltyblog's compiled Dixon-Coles functions."""

    loss: Callable[..., float]
    """The weighted negative log-likelihood."""
    gradient: Callable[..., NDArray[np.float64]]
    """The weighted log-likelihood's gradient (not negated)."""
    grid: Callable[..., None]
    """Fills a flat score grid and the two goal means."""


@dataclass(frozen=True, slots=True, eq=False)
class _Problem:
    """A window's matches as the kernels take them."""

    goals_home: NDArray[Any]
    goals_away: NDArray[Any]
    weights: NDArray[np.float64]
    home_idx: NDArray[Any]
    away_idx: NDArray[Any]
    neutral: NDArray[Any]
    n_teams: int

    def split(self, params: NDArray[np.float64]) -> tuple[Any, Any, float, float]:
        """Attack strengths, defence strengths, home advantage, rho."""
        n = self.n_teams
        attack = np.asarray(params[:n], dtype=np.double, order="C")
        defence = np.asarray(params[n : 2 * n], dtype=np.double, order="C")
        return attack, defence, params[-2], params[-1]

    def loss(self, kernels: Kernels, params: NDArray[np.float64]) -> float:
        """The negative log-likelihood; 1e10 where it is not finite (as the model does)."""
        attack, defence, hfa, rho = self.split(params)
        value = kernels.loss(
            self.goals_home, self.goals_away, self.weights, self.home_idx, self.away_idx,
            self.neutral, attack, defence, hfa, rho,
        )  # fmt: skip
        return value if math.isfinite(value) else 1e10

    def gradient(self, kernels: Kernels, params: NDArray[np.float64]) -> NDArray[np.float64]:
        """The negative log-likelihood's gradient."""
        attack, defence, hfa, rho = self.split(params)
        return -kernels.gradient(
            attack, defence, hfa, rho, self.home_idx, self.away_idx, self.goals_home,
            self.goals_away, self.weights, self.neutral,
        )  # fmt: skip


def _problem(
    home_goals: Sequence[int],
    away_goals: Sequence[int],
    home_teams: Sequence[str],
    away_teams: Sequence[str],
    weights: NDArray[np.float64],
) -> tuple[_Problem, dict[str, int]]:
    """The kernels' arrays and the team index (teams sorted, as the model sorts them)."""
    teams = {team: i for i, team in enumerate(sorted({*home_teams, *away_teams}))}
    problem = _Problem(
        goals_home=np.array(home_goals, dtype=_LONG),
        goals_away=np.array(away_goals, dtype=_LONG),
        weights=np.array(weights, dtype=np.double),
        home_idx=np.array([teams[t] for t in home_teams], dtype=_LONG),
        away_idx=np.array([teams[t] for t in away_teams], dtype=_LONG),
        neutral=np.zeros(len(home_goals), dtype=_LONG),
        n_teams=len(teams),
    )
    return problem, teams


@dataclass(frozen=True, slots=True, eq=False)
class DixonColesFit:
    """A fitted Dixon-Coles model: team index and parameters (attack, defence, home, rho)."""

    teams: dict[str, int]
    params: NDArray[np.float64]
    kernels: Kernels

    def score_grid(self, home: str, away: str, max_goals: int) -> NDArray[np.float64]:
        """The normalised ``max_goals x max_goals`` score grid (rows home goals).

        Raises:
            ValueError: A team is not in the fitted window.
        """
        if home not in self.teams or away not in self.teams:
            raise ValueError("Both teams must have been in the training data.")
        return _grid(self.kernels, self.params, self.teams[home], self.teams[away], max_goals)


class FittedModel(Protocol):
    """A fit the cache keeps: its grid for two of its teams."""

    def score_grid(self, home: str, away: str, max_goals: int) -> NDArray[np.float64]:
        """The normalised ``max_goals x max_goals`` score grid (rows home goals)."""
        ...


@dataclass(frozen=True, slots=True, eq=False)
class PublicFit:
    """penaltyblog's fitted ``DixonColesGoalModel``, asked like a ``DixonColesFit``."""

    model: Any

    def score_grid(self, home: str, away: str, max_goals: int) -> NDArray[np.float64]:
        """The model's grid (``predict``), normalised the same way."""
        matrix = np.asarray(self.model.predict(home, away, max_goals=max_goals).goal_matrix)
        return np.asarray(matrix / matrix.sum(), dtype=float)


def _grid(
    kernels: Kernels, params: NDArray[np.float64], home: int, away: int, max_goals: int
) -> NDArray[np.float64]:
    """The compiled kernel's grid for two team indices, normalised as the model does."""
    n = (params.size - 2) // 2
    flat = np.empty(max_goals * max_goals, dtype=np.float64)
    means = np.empty(1, dtype=np.float64), np.empty(1, dtype=np.float64)
    kernels.grid(
        float(params[home]), float(params[away]), float(params[home + n]),
        float(params[away + n]), float(params[-2]), float(params[-1]), int(max_goals),
        flat, *means,
    )  # fmt: skip
    matrix = flat.reshape(max_goals, max_goals)
    return np.asarray(matrix / matrix.sum(), dtype=float)


def constraint(n_teams: int, size: int) -> dict[str, Any]:
    """penaltyblog's one constraint (attack strengths sum to the number of teams), with its
    constant Jacobian: without it SciPy differences it numerically at every step."""
    jacobian = np.concatenate([np.ones(n_teams), np.zeros(size - n_teams)])
    return {
        "type": "eq",
        "fun": lambda x: float(np.sum(x[:n_teams])) - n_teams,
        "jac": lambda x: jacobian,
    }


def bounds(n_teams: int) -> list[tuple[float, float]]:
    """penaltyblog's bounds: strengths and rho within 2.5, home advantage in [0, 2]."""
    return [(-2.5, 2.5)] * (2 * n_teams) + [(0.0, 2.0), (-2.5, 2.5)]


def fit(
    kernels: Kernels,
    home_goals: Sequence[int],
    away_goals: Sequence[int],
    home_teams: Sequence[str],
    away_teams: Sequence[str],
    weights: NDArray[np.float64],
) -> DixonColesFit:
    """Fit Dixon-Coles on weighted results, as ``DixonColesGoalModel`` would.

    Raises:
        ValueError: The optimiser did not converge (penaltyblog's message).
    """
    problem, teams = _problem(home_goals, away_goals, home_teams, away_teams, weights)
    n = problem.n_teams
    start = np.concatenate(([1.0] * n, [-1.0] * n, [0.25], [-0.1]))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore")
        result = minimize(
            lambda x: problem.loss(kernels, x),
            start,
            jac=lambda x: problem.gradient(kernels, x),
            constraints=[constraint(n, start.size)],
            bounds=bounds(n),
            options={"maxiter": 1000, "disp": False},
        )
    if not result.success:
        raise ValueError(f"Optimization failed with message: {result.message}")
    return DixonColesFit(teams, np.asarray(result.x, dtype=float), kernels)


_CHECKED: dict[Kernels, bool] = {}
_CHECK_LOCK = threading.Lock()


def kernels() -> Kernels | None:
    """penaltyblog's kernels when installed and found to compute Dixon-Coles, else None.

    Imported on every call (a dictionary look-up once loaded, and a package blocked since
    is noticed), checked once per process.
    """
    try:
        loss, gradients, probabilities = (import_lean(name) for name in DIXON_COLES_KERNELS)
        found = Kernels(
            loss.dixon_coles_loss_function,
            gradients.dixon_coles_gradient,
            probabilities.compute_dixon_coles_probabilities,
        )
    except (ImportError, AttributeError):
        return None
    with _CHECK_LOCK:
        if found not in _CHECKED:
            try:
                _CHECKED[found] = _agrees(found)
            except (TypeError, ValueError, IndexError):  # takes other arguments now
                _CHECKED[found] = False
        return found if _CHECKED[found] else None


def _agrees(kernels: Kernels) -> bool:
    """Whether the kernels compute what a fit takes them for, on a made-up league of four
    teams with every low score and unequal weights."""
    home = [0, 1, 2, 3, 0, 2, 1, 3, 0, 3, 1, 2]
    away = [1, 0, 3, 2, 2, 0, 3, 1, 3, 0, 2, 1]
    goals = ([0, 0, 1, 1, 2, 3, 0, 1, 4, 0, 2, 1], [0, 1, 0, 1, 2, 0, 3, 1, 1, 0, 0, 2])
    names = "ABCD"
    problem, _ = _problem(
        *goals, [names[i] for i in home], [names[i] for i in away], np.linspace(0.5, 1.0, 12)
    )
    params = np.array([0.3, -0.1, 0.2, -0.4, -0.2, 0.1, -0.3, 0.05, 0.3, -0.12])
    loss, gradient = _reference(problem, params)
    pairs: list[tuple[Any, Any]] = [
        (problem.loss(kernels, params), loss),
        (problem.gradient(kernels, params), gradient),
        (_grid(kernels, params, 1, 2, 6), _reference_grid(params, 1, 2, 6)),
    ]
    return all(np.allclose(theirs, mine, rtol=1e-9, atol=1e-12) for theirs, mine in pairs)


def _reference(problem: _Problem, params: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
    """The Dixon-Coles negative log-likelihood and penaltyblog's gradient of it in numpy.

    That gradient leaves out how the low-score correction changes with the goal means
    (only rho's part of it counts): a fit follows it, so the check expects it too.
    """
    attack, defence, hfa, rho = problem.split(params)
    home, away, n, weights = problem.home_idx, problem.away_idx, problem.n_teams, problem.weights
    mean_h = np.exp(hfa + attack[home] + defence[away])
    mean_a = np.exp(attack[away] + defence[home])
    g_h, g_a = problem.goals_home, problem.goals_away
    poisson = g_h * np.log(mean_h) - mean_h - gammaln(g_h + 1)
    poisson += g_a * np.log(mean_a) - mean_a - gammaln(g_a + 1)
    cells = np.minimum(g_h, 2), np.minimum(g_a, 2), np.arange(g_h.size)
    factor = _low_score_factors(mean_h, mean_a, rho)[cells]
    slope = (_low_score_factors(mean_h, mean_a, 1.0) - _low_score_factors(mean_h, mean_a, 0.0))[
        cells
    ]  # the correction is linear in rho
    loss = -float(np.sum(weights * (poisson + np.log(np.maximum(factor, _EPSILON)))))
    home_part, away_part = (g_h - mean_h) * weights, (g_a - mean_a) * weights
    gradient = np.concatenate(
        [
            np.bincount(home, home_part, n) + np.bincount(away, away_part, n),
            np.bincount(away, home_part, n) + np.bincount(home, away_part, n),
            [home_part.sum(), np.sum(weights * slope / factor)],
        ]
    )
    return loss, -gradient


def _low_score_factors(mean_h: Any, mean_a: Any, rho: float) -> NDArray[np.float64]:
    """Dixon-Coles's correction by (home, away) goals, 2 standing for 2 or more."""
    one = np.ones_like(mean_h)
    return np.array(
        [
            [1 - rho * mean_h * mean_a, 1 + rho * mean_h, one],
            [1 + rho * mean_a, (1 - rho) * one, one],
            [one, one, one],
        ]
    )


def _reference_grid(
    params: NDArray[np.float64], home: int, away: int, max_goals: int
) -> NDArray[np.float64]:
    """The normalised Dixon-Coles grid in numpy (for ``_agrees``)."""
    n = (params.size - 2) // 2
    mean_h = np.exp(params[-2] + params[home] + params[away + n])
    mean_a = np.exp(params[away] + params[home + n])
    matrix = np.outer(_poisson_pmf(mean_h, max_goals - 1), _poisson_pmf(mean_a, max_goals - 1))
    matrix[:2, :2] *= _low_score_factors(mean_h, mean_a, params[-1])[:2, :2]
    return np.asarray(matrix / matrix.sum(), dtype=float)
