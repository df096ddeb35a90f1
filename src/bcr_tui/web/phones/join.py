"""The join pages: the join code (typed, or in the QR link) and the list of names to sit in.

A wrong code counts against the phone's address (`seats.WrongCodes`: too many and it waits a
minute); a right one shows the names present that no phone has taken yet. Tapping a name claims
that seat and sets the seat cookie; a name that already has a phone is refused (the facilitator
releases a lost phone). Kept apart from the question and About-You pages: this is the only place a
phone gets a seat.
"""

from __future__ import annotations

from aiohttp import web

from bcr_tui.web.phones import pages
from bcr_tui.web.phones.site import SEAT_COOKIE, Site, see_other


class JoinPages(Site):
    """`POST /join`, `GET /j/{code}` and `POST /seat`."""

    async def _join(self, request: web.Request) -> web.Response:
        form = await request.post()
        return self._names(request, str(form.get("code", "")))

    async def _join_link(self, request: web.Request) -> web.Response:
        return self._names(request, request.match_info["code"])

    def _names(
        self, request: web.Request, code: str, problem: str | None = None, status: int = 200
    ) -> web.Response:
        client = request.remote or "?"
        if self.wrong.blocked(client):
            return self._page(
                request,
                "Wait a minute",
                pages.join_body("Too many wrong codes: wait a minute, then try again."),
                429,
            )
        if not self.seats.code_matches(code):
            self.wrong.wrong(client)
            return self._page(
                request,
                "Join",
                pages.join_body("That is not the join code. Check the projector and try again."),
                403,
            )
        if self._seated(request) is not None and problem is None:
            return see_other()
        taken = self.seats.taken()
        people = [(p.id, p.name) for p in self.view.present if p.id not in taken]
        body = pages.names_body(self.seats.code, people, problem)
        return self._page(request, "Who are you?", body, status)

    async def _seat(self, request: web.Request) -> web.Response:
        form = await request.post()
        code, pid = str(form.get("code", "")), str(form.get("who", ""))
        person = self.view.people.get(pid)
        if person is None or person.absent:
            return self._names(request, code, "That name is not on the list.", 409)
        if self.wrong.blocked(request.remote or "?") or not self.seats.code_matches(code):
            return self._names(request, code)
        mine = self._seated(request)
        if mine is not None and mine[0] != pid:
            self.seats.release(mine[0])  # this phone changes name: its old seat is free
        elif mine is not None:
            return see_other()
        cookie = self.seats.claim(pid)
        self.seats_changed()
        if cookie is None:
            return self._names(
                request,
                code,
                f"{person.name} already has a phone. Ask the "
                "facilitator to release it if that is not you.",
                409,
            )
        response = see_other()
        response.set_cookie(SEAT_COOKIE, cookie, httponly=True, samesite="Strict", path="/")
        return response
