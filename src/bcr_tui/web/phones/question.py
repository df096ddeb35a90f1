"""The question page: the current question with this phone's own answer, and the vote it posts.

`GET /` shows the join form to a phone without a seat, else the current question; `POST /vote`
records an answer only if its form token is this seat's for this item and the question is still
the current one: the laptop applies it and answers once it is on disk, and only then is the phone
told it is saved. Kept apart from joining and About-You: this is the only place a phone's rating
enters the meeting.
"""

from __future__ import annotations

from aiohttp import web

from bcr_tui.session.values import check_value, describe
from bcr_tui.web.phones import pages
from bcr_tui.web.phones.forms import answer_from
from bcr_tui.web.phones.site import Site, see_other

MOVED_ON = (
    "The facilitator has moved on: that answer was not recorded. Here is the current question."
)


class QuestionPages(Site):
    """`GET /` (the question, or the join form) and `POST /vote`."""

    async def _index(self, request: web.Request) -> web.Response:
        seat = self._seated(request)
        if seat is None or self.item is None:
            return self._page(request, "Join", pages.join_body())
        return self._item_page(request, *seat)

    def _item_page(
        self,
        request: web.Request,
        pid: str,
        cookie: str,
        problem: str | None = None,
        status: int = 200,
    ) -> web.Response:
        view = self.view
        person = view.people.get(pid)
        item = self.item
        if item is None:
            return self._page(request, "Join", pages.join_body(), 503)
        mine = view.answer(pid)
        saved = describe(item, mine) if mine is not None and view.durable(pid) else None
        if saved == "abstains":
            saved = "Abstain"
        is_open = person is not None and not person.absent and not (view.blind and view.revealed)
        body = pages.item_body(
            name=person.name if person else "",
            item=item,
            position=f"question {view.index + 1} of {view.count}",
            token=self.seats.token(cookie, item.id),
            mine=mine,
            saved_label=saved,
            open_=is_open,
            problem=problem,
            about=bool(self.instrument.profile),
        )
        return self._page(request, "Your answer", body, status)

    async def _vote(self, request: web.Request) -> web.Response:
        seat = self._seated(request)
        if seat is None:
            return self._page(
                request,
                "Join",
                pages.join_body(
                    "This phone has no seat (the facilitator may have released it): join again."
                ),
                403,
            )
        pid, cookie = seat
        form = await request.post()
        item_id, token = str(form.get("item", "")), str(form.get("t", ""))
        if not self.seats.token_ok(cookie, item_id, token):
            return self._item_page(
                request,
                pid,
                cookie,
                "That answer came from an old or "
                "foreign page and was not recorded. Here is the current "
                "question.",
                403,
            )
        item = self.item
        if item is None or item_id != item.id:
            return self._item_page(request, pid, cookie, MOVED_ON, 409)
        value = answer_from(item.kind, form)
        if value is None or not check_value(item, value):
            return self._item_page(
                request, pid, cookie, "Choose an answer (or write one) first.", 400
            )
        result = await self.laptop.ask("vote", who=pid, item=item_id, value=value)
        if not result["saved"]:
            return self._item_page(request, pid, cookie, f"Not saved: {result['problem']}.", 409)
        return see_other()
