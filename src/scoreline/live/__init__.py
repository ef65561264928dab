"""Matches from the data sources: sync, merge and the pre-match snapshots.

``LiveSources(db, config)`` builds one adapter per ``[sources.NAME]`` and keeps it for the
life of the process; ``sync(now=...)`` fetches each configured competition's fixtures,
resolves names through the alias table (an unknown team is reported, never created) and
merges them into ``matches`` (one row however many sources report a match). It imports the
store, the sources and the configuration, and the scoring only to re-score a corrected
result.
"""

from scoreline.live.sync import LiveSources, SourceSummary

__all__ = ["LiveSources", "SourceSummary"]
