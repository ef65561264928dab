"""Team and competition identity: every source's spelling onto our one name.

Our name of a team is the football-data.co.uk spelling the bundled matches use
(``Man United``); ``data/teams.toml`` lists the spellings of football-data.org
(``Manchester United FC``), API-Football (``Manchester United``) and others. Names match
ignoring case, accents, punctuation and spacing. An unknown name is never made into a new
team: ``resolve`` raises ``UnknownTeamError`` naming the closest known names, and the
operator adds an alias. Pure: no I/O beyond reading the bundled table once.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from scoreline.errors import ScorelineError

__all__ = [
    "AliasConflictError",
    "Competition",
    "Competitions",
    "TeamResolver",
    "UnknownCompetitionError",
    "UnknownTeamError",
    "normalise_name",
]

_SOURCE_KEYS = ("football_data_org", "api_football", "football_data_co_uk", "other")


class UnknownTeamError(ScorelineError):
    """A team name no alias knows; the message names the closest known ones."""

    exit_code = 2

    def __init__(self, name: str, suggestions: Iterable[str]) -> None:
        """Say which name is unknown and what it may have meant."""
        self.name = name
        self.suggestions = tuple(suggestions)
        hint = f"; closest known: {', '.join(self.suggestions)}" if self.suggestions else ""
        super().__init__(f"unknown team {name!r}{hint} (add an alias)")


class UnknownCompetitionError(ScorelineError):
    """A competition code no source mapping knows."""

    exit_code = 2


class AliasConflictError(ScorelineError):
    """An alias that would name two different teams."""

    exit_code = 2


def normalise_name(name: str) -> str:
    """The name as compared: no accents, case, punctuation or extra spaces; ``&`` is "and"."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("&", " and ")
    return " ".join(re.sub(r"[^\w\s]", "", plain).split())


class TeamResolver:
    """Resolve any source's spelling of a team to our name."""

    def __init__(
        self, table: Mapping[str, Iterable[str]], extra: Mapping[str, str] | None = None
    ) -> None:
        """Index the aliases of every team, then the operator's extra ones.

        Args:
            table: Our name -> the spellings the sources use.
            extra: The operator's aliases, alias -> our name (a new name adds a team).

        Raises:
            AliasConflictError: when one alias would name two teams.
        """
        self._index: dict[str, str] = {}
        self._spellings: dict[str, str] = {}
        for canonical, aliases in table.items():
            for alias in (canonical, *aliases):
                self._add(alias, canonical)
        for alias, canonical in (extra or {}).items():
            self._add(canonical, self._index.get(normalise_name(canonical), canonical))
            self._add(alias, self._index[normalise_name(canonical)])

    @classmethod
    def bundled(cls, extra: Mapping[str, str] | None = None) -> TeamResolver:
        """The resolver of ``data/teams.toml``, with the operator's extra aliases."""
        teams = _bundled()["teams"]
        table = {
            name: [alias for key in _SOURCE_KEYS for alias in entry.get(key, [])]
            for name, entry in teams.items()
        }
        return cls(table, extra)

    @property
    def teams(self) -> tuple[str, ...]:
        """Every team's name, sorted."""
        return tuple(sorted(set(self._index.values())))

    def lookup(self, name: str) -> str | None:
        """Our name for ``name``, or ``None`` when no alias knows it."""
        return self._index.get(normalise_name(name))

    def resolve(self, name: str) -> str:
        """Our name for ``name``.

        Raises:
            UnknownTeamError: naming up to three closest known names.
        """
        found = self.lookup(name)
        if found is None:
            raise UnknownTeamError(name, self.suggest(name))
        return found

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The known names closest to ``name`` (our names, each once), best first."""
        close = difflib.get_close_matches(
            normalise_name(name), list(self._spellings), n=limit * 3, cutoff=0.5
        )
        found: list[str] = []
        for key in close:
            canonical = self._index[key]
            if canonical not in found:
                found.append(canonical)
        return found[:limit]

    def _add(self, alias: str, canonical: str) -> None:
        key = normalise_name(alias)
        if not key:
            raise AliasConflictError(f"empty team alias for {canonical!r}")
        known = self._index.get(key)
        if known is not None and known != canonical:
            raise AliasConflictError(f"alias {alias!r} would name both {known!r} and {canonical!r}")
        self._index[key] = canonical
        self._spellings.setdefault(key, alias)


@dataclass(frozen=True, slots=True)
class Competition:
    """One competition and its code at each source."""

    code: str
    """Our code (football-data.co.uk's league code where it has one: ``E0``)."""
    name: str
    football_data_org: str | None = None
    """``PL``."""
    api_football: int | None = None
    """League id, ``39``."""
    football_data_co_uk: str | None = None
    """``E0``."""


class Competitions:
    """Look competitions up by our code or any source's code or id."""

    def __init__(self, competitions: Iterable[Competition]) -> None:
        """Index every competition by each of its codes."""
        self._all = tuple(competitions)
        self._by_code: dict[str, Competition] = {}
        for item in self._all:
            codes = (item.code, item.football_data_org, item.api_football, item.football_data_co_uk)
            for code in codes:
                if code is not None:
                    self._by_code.setdefault(str(code).upper(), item)

    @classmethod
    def bundled(cls) -> Competitions:
        """The competitions of ``data/teams.toml``."""
        return _bundled_competitions()

    def __iter__(self) -> Iterator[Competition]:
        """Every competition, in the table's order."""
        return iter(self._all)

    def resolve(self, code: str | int) -> Competition:
        """The competition named by any of its codes (``PL``, ``E0``, ``39``), any case.

        Raises:
            UnknownCompetitionError: naming the known codes.
        """
        found = self._by_code.get(str(code).strip().upper())
        if found is None:
            known = ", ".join(sorted({c.code for c in self._all}))
            raise UnknownCompetitionError(f"unknown competition {code!r} (known: {known})")
        return found


@cache
def _bundled() -> dict[str, Any]:
    text = resources.files("scoreline.data").joinpath("teams.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def _bundled_competitions() -> Competitions:
    entries = _bundled()["competitions"]
    return Competitions(Competition(code=code, **entry) for code, entry in entries.items())
