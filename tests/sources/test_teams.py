"""Team and competition identity: every source's spelling onto one name."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from scoreline.sources import (
    AliasConflictError,
    Competitions,
    TeamResolver,
    UnknownCompetitionError,
    UnknownTeamError,
)
from scoreline.standin.season import CLUBS


def bundled_teams() -> set[str]:
    text = resources.files("scoreline.data").joinpath("matches/E0.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return {row["home_team"] for row in rows} | {row["away_team"] for row in rows}


def test_every_club_of_the_bundled_seasons_is_known_by_its_own_name() -> None:
    resolver = TeamResolver.bundled()
    assert {resolver.resolve(name) for name in bundled_teams()} == bundled_teams()


@pytest.mark.parametrize("club", sorted(CLUBS.values(), key=lambda c: c.name), ids=lambda c: c.name)
def test_duplicate_names_across_sources_are_one_team(club: object) -> None:
    """football-data.org's full and short names and API-Football's name resolve alike."""
    resolver = TeamResolver.bundled()
    spellings = {club.fd_name, club.fd_short, club.af_name, club.name}  # type: ignore[attr-defined]
    assert {resolver.resolve(name) for name in spellings} == {club.name}  # type: ignore[attr-defined]


def test_matching_ignores_case_accents_punctuation_and_spacing() -> None:
    resolver = TeamResolver.bundled()
    assert resolver.resolve("  MANCHESTER   united fc ") == "Man United"
    assert resolver.resolve("Nottm Forest") == "Nott'm Forest"
    assert resolver.resolve("Brighton and Hove Albion FC") == "Brighton"


def test_unknown_team_names_the_closest_known_and_is_never_added() -> None:
    resolver = TeamResolver.bundled()
    with pytest.raises(UnknownTeamError) as caught:
        resolver.resolve("Manchester Untied")
    assert caught.value.suggestions[0] == "Man United"
    assert "closest known: Man United" in str(caught.value)
    assert resolver.lookup("Manchester Untied") is None
    assert "Manchester Untied" not in resolver.teams


def test_operator_aliases_extend_the_table() -> None:
    resolver = TeamResolver.bundled({"Man Utd FC": "Man United", "Wrexham AFC": "Wrexham"})
    assert resolver.resolve("man utd fc") == "Man United"
    assert resolver.resolve("Wrexham AFC") == resolver.resolve("Wrexham") == "Wrexham"


def test_an_alias_naming_two_teams_is_refused() -> None:
    with pytest.raises(AliasConflictError, match="would name both 'Man City' and 'Man United'"):
        TeamResolver.bundled({"Manchester City": "Man United"})


@pytest.mark.parametrize(
    ("codes", "ours"),
    [
        (("PL", "E0", 39, "39"), "E0"),
        (("BL1", "D1", 78), "D1"),
        (("PD", "SP1", 140), "SP1"),
        (("SA", "I1", 135), "I1"),
        (("FL1", "F1", 61), "F1"),
        (("CL", 2), "CL"),
    ],
)
def test_competitions_map_across_sources(codes: tuple[object, ...], ours: str) -> None:
    table = Competitions.bundled()
    assert {table.resolve(code).code for code in codes} == {ours}  # type: ignore[arg-type]


def test_unknown_competition_names_the_known_ones() -> None:
    with pytest.raises(UnknownCompetitionError, match=r"unknown competition 'XX' \(known: CL, D1"):
        Competitions.bundled().resolve("XX")
