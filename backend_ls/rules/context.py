"""What a rule may see: the module's facts, its text and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from backend_ls.facts.model import ModuleFacts, Route
from backend_ls.options import Settings


@dataclass(frozen=True)
class RuleContext:
    facts: ModuleFacts
    lines: list[str]  # the source, line ends kept
    settings: Settings

    @property
    def path(self) -> str:
        return self.facts.path

    def routes_of(self, handler: str) -> list[Route]:
        return [route for route in self.facts.routes if route.handler == handler]

    def handlers(self) -> dict[str, list[Route]]:
        """Route handlers by qualified name, with every route that reaches each."""
        result: dict[str, list[Route]] = {}
        for route in self.facts.routes:
            result.setdefault(route.handler, []).append(route)
        return result
