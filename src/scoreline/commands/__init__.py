"""Typer command groups; ``scoreline.cli`` assembles them into one app."""
