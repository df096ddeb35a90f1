"""The About-You page: this person's own answers to the instrument's profile questions.

A seated phone sees and changes only its own person's answers; a post must carry this seat's
About-You form token (bound to `ABOUT`, which no item id can be), and each answer is checked as a
rating would be; the laptop checks them again, applies and saves them, and only then does the page
say Saved. Kept apart from the question page: these answers are about the person, not a rating of
an item.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bcr_tui.plaintext import printable
from bcr_tui.session.values import check_value
from bcr_tui.web.phones import pages
from bcr_tui.web.phones.forms import answer_from
from bcr_tui.web.phones.site import Site, see_other

ABOUT = "\0about"  # what an About-You form's token is bound to (no item id has a NUL)


class AboutPages(Site):
    """`GET /about` and `POST /about`."""

    async def _about(
        self, request: web.Request, problem: str | None = None, status: int = 200
    ) -> web.Response:
        """The About-You questions, with this person's own answers."""
        seat = self._seated(request)
        person = self.view.people.get(seat[0]) if seat else None
        if seat is None or person is None:
            return self._page(request, "Join", pages.join_body(), 403)
        body = pages.about_body(
            self.instrument.profile,
            person.profile,
            self.seats.token(seat[1], ABOUT),
            problem=problem,
            saved=request.query.get("saved") == "1" and problem is None,
        )
        return self._page(request, "About you", body, status)

    async def _about_post(self, request: web.Request) -> web.Response:
        seat = self._seated(request)
        person = self.view.people.get(seat[0]) if seat else None
        if seat is None or person is None:
            return self._page(request, "Join", pages.join_body(), 403)
        form = await request.post()
        if not self.seats.token_ok(seat[1], ABOUT, str(form.get("t", ""))):
            return await self._about(
                request, "That form came from an old or foreign page and was not saved.", 403
            )
        answers: dict[str, Any] = {}
        for q in self.instrument.profile:
            value = answer_from(q.kind, form, q.id)
            answers[q.id] = value if value and check_value(q, value) else None
            if q.other:
                other = printable(str(form.get(f"{q.id}-other", ""))).strip()[:300]
                answers[f"{q.id}-other"] = other or None
        result = await self.laptop.ask("profile", who=person.id, answers=answers)
        if not result["saved"]:
            return await self._about(request, f"Not saved: {result['problem']}.", 409)
        return see_other("/about?saved=1")
