"""Kicktipp points of one prediction, with the breakdown the store keeps.

Rules (design §4): a wrong tendency earns 0; a right tendency earns the quota
of the actual tendency, +1 if the goal difference is right too, +3 more if the
score is exact, so at most 6 + 1 + 3 = 10.

Draws: every correct draw tendency has the "right" goal difference (0), so a
literal reading gives every correct draw the +1 (``draw_goal_difference=True``,
the reference system's rule). Kicktipp does not: its quota rule tables list the
goal-difference bonus for wins only ("Unentschieden | 0 | - | 2": tendency, no
goal-difference tier, exact result) (``draw_goal_difference=False``):

* right draw, wrong score (1-1 for 0-0): quota + 1, or the quota only (Kicktipp);
* exact draw (1-1 for 1-1): quota + 1 + 3 under both rules, the same bonus total as
  an exact win, recorded as ``goal_diff=1, exact=3`` so that "exact implies the full
  bonus" holds for every tendency and the breakdown columns add up the same way.

The rule is the operator's (``[scoring] draw_goal_difference``); the function's
default is Kicktipp's, the rule scoreline has always scored with.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoreline.scoring.quotas import Quotas, Tendency, tendency_of

__all__ = [
    "EXACT_BONUS",
    "GOAL_DIFF_BONUS",
    "PointsBreakdown",
    "rule_flag",
    "rule_name",
    "score_prediction",
]

GOAL_DIFF_BONUS = 1
"""Extra points for the right goal difference of a win (or an exact draw)."""
EXACT_BONUS = 3
"""Extra points, on top of the goal-difference bonus, for the exact score."""


@dataclass(frozen=True, slots=True)
class PointsBreakdown:
    """The points of one prediction, split the way the store records them."""

    tendency: int
    """The quota earned by the right tendency (0 if wrong)."""
    goal_diff: int
    """The goal-difference bonus (0 or 1)."""
    exact: int
    """The exact-score bonus (0 or 3)."""

    @property
    def total(self) -> int:
        """All points of the prediction."""
        return self.tendency + self.goal_diff + self.exact


_ZERO = PointsBreakdown(tendency=0, goal_diff=0, exact=0)

KICKTIPP_RULE = "kicktipp"
"""A right draw with the wrong score earns the tendency only."""
DRAW_DIFF_RULE = "draw-goal-difference"
"""A right draw always earns the goal-difference point."""


def rule_name(draw_goal_difference: bool) -> str:
    """The name the leaderboard and the ledger give a draw rule."""
    return DRAW_DIFF_RULE if draw_goal_difference else KICKTIPP_RULE


def rule_flag(name: str) -> bool:
    """The ``draw_goal_difference`` setting of a rule name (the inverse of ``rule_name``).

    Raises:
        ValueError: Not a rule name.
    """
    if name not in (KICKTIPP_RULE, DRAW_DIFF_RULE):
        raise ValueError(f"unknown scoring rule {name!r} ({KICKTIPP_RULE}, {DRAW_DIFF_RULE})")
    return name == DRAW_DIFF_RULE


def score_prediction(
    pred_home: int,
    pred_away: int,
    actual_home: int,
    actual_away: int,
    quotas: Quotas,
    *,
    draw_goal_difference: bool = False,
) -> PointsBreakdown:
    """Score one predicted score against the final score.

    Args:
        pred_home: Predicted home goals.
        pred_away: Predicted away goals.
        actual_home: Final home goals.
        actual_away: Final away goals.
        quotas: The match's quotas (from ``compute_quotas``).
        draw_goal_difference: A right draw with the wrong score earns the +1 too.

    Returns:
        The points breakdown; see the module docstring for the draw rule.

    Raises:
        ValueError: If any goal count is negative.
    """
    if min(pred_home, pred_away, actual_home, actual_away) < 0:
        raise ValueError("goal counts must not be negative")
    actual = tendency_of(actual_home, actual_away)
    if tendency_of(pred_home, pred_away) is not actual:
        return _ZERO
    quota = quotas.for_tendency(actual)
    if (pred_home, pred_away) == (actual_home, actual_away):
        return PointsBreakdown(tendency=quota, goal_diff=GOAL_DIFF_BONUS, exact=EXACT_BONUS)
    same_diff = pred_home - pred_away == actual_home - actual_away
    if same_diff and (draw_goal_difference or actual is not Tendency.DRAW):
        return PointsBreakdown(tendency=quota, goal_diff=GOAL_DIFF_BONUS, exact=0)
    return PointsBreakdown(tendency=quota, goal_diff=0, exact=0)
