"""The phone server against a real session file: join, seat, vote, and every refusal."""

from __future__ import annotations

import asyncio

import pytest
from phonekit import on_disk, phones, room_on, write_session

MAINTAIN = "Currently exists / Maintain"


@pytest.fixture
def session_path(tmp_path):
    return write_session(tmp_path, people=4)


async def test_join_vote_saved_on_disk_and_shown_only_to_its_owner(session_path):
    async with room_on(session_path) as room, phones(room, 2) as (ana, ben):
        assert await ana.join("Person 01") == 200
        assert "Person 01" in ana.page and "question 1 of" in ana.page
        assert await ben.join("Person 02") == 200
        item = room.meeting.item.id
        assert await ana.vote(MAINTAIN) == 200
        assert f"Saved: {MAINTAIN}" in ana.page
        assert on_disk(session_path).answer("p01", item) == "maintain"
        assert await ben.get("/") == 200  # Ben's page: nothing of Ana's, not even a count
        assert "Saved" not in ben.page and "Person 01" not in ben.page
        assert 'aria-pressed="true"' not in ben.page
        # changeable until the facilitator moves on
        assert await ana.vote("Abstain") == 200
        assert "Saved: Abstain" in ana.page
        assert on_disk(session_path).answer("p01", item) == "abstain"


async def test_votes_arriving_together_are_one_write_and_all_acknowledged(
    session_path, monkeypatch
):
    async with room_on(session_path) as room:
        writes = []
        real = room.meeting.store.write
        monkeypatch.setattr(room.meeting.store, "write", lambda t: (writes.append(1), real(t)))
        async with phones(room, 4) as people:
            for n, phone in enumerate(people, 1):
                await phone.join(f"Person {n:02d}")
                await phone.get("/")
            forms = [
                {"t": p.hidden("t"), "item": p.hidden("item"), "answer": "future"} for p in people
            ]
            statuses = await asyncio.gather(
                *(p.post("/vote", f) for p, f in zip(people, forms, strict=True))
            )
            assert statuses == [200] * 4
            assert len(writes) < 4
            saved = on_disk(session_path)
            assert all(saved.answer(f"p0{n}", forms[0]["item"]) == "future" for n in range(1, 5))


async def test_a_seat_is_one_phone_until_released_then_reclaimed(session_path):
    async with room_on(session_path) as room, phones(room, 2) as (first, second):
        await first.join("Person 01")
        await second.get(f"/j/{room.seats.code}")
        assert "Person 01" not in second.buttons("who")  # claimed names are not offered
        status = await second.post("/seat", {"code": room.seats.code, "who": "p01"})
        assert status == 409 and "already has a phone" in second.page
        assert room.release("p01")
        await room.synced()
        assert await first.get("/") == 200 and 'name="code"' in first.page  # back to join
        assert await second.join("Person 01") == 200
        assert "You: <strong>Person 01" in second.page
        item = room.meeting.item.id
        status = await first.post("/vote", {"t": "x", "item": item, "answer": "maintain"})
        assert status == 403
        assert on_disk(session_path).answer("p01", item) is None


async def test_late_arrival_can_join(session_path):
    async with room_on(session_path) as room, phones(room, 1) as (phone,):
        room.meeting.add_participant("Dana Late")
        await room.synced()
        assert await phone.join("Dana Late") == 200
        assert await phone.vote(MAINTAIN) == 200
        assert on_disk(session_path).answer("p05", room.meeting.item.id) == "maintain"


async def test_wrong_codes_are_rate_limited(session_path):
    async with room_on(session_path) as room, phones(room, 1) as (phone,):
        for _ in range(5):
            assert await phone.post("/join", {"code": "WRONG1"}) == 403
        assert await phone.get(f"/j/{room.seats.code}") == 429  # even the right one now
        assert "wait a minute" in phone.page


async def test_forged_replayed_oversized_foreign_posts_change_nothing(session_path):
    async with room_on(session_path) as room, phones(room, 2) as (ana, ben):
        await ana.join("Person 01")
        await ben.join("Person 02")
        before = session_path.read_bytes()
        item = room.meeting.item.id
        await ana.get("/")
        token = ana.hidden("t")
        vote = {"t": token, "item": item, "answer": "maintain"}
        # forged token
        assert await ana.post("/vote", {**vote, "t": "0" * 32}) == 403
        # Ana's token replayed from Ben's seat
        assert await ben.post("/vote", vote) == 403
        # cross-origin, Origin null, cross-site fetch metadata
        assert await ana.post("/vote", vote, Origin="http://evil.example") == 403
        assert await ana.post("/vote", vote, Origin="null") == 403
        assert await ana.post("/vote", vote, **{"Sec-Fetch-Site": "cross-site"}) == 403
        # a foreign Host (DNS rebinding)
        assert await ana.post("/vote", vote, Host="evil.example:80") == 421
        assert await ana.get("/", Host="evil.example") == 421
        # oversized body
        assert await ana.post("/vote", {**vote, "pad": "x" * 5000}) == 413
        # not an answer of this item
        assert await ana.post("/vote", {**vote, "answer": "nonsense"}) == 400
        assert session_path.read_bytes() == before
        assert room.meeting.session.answer("p01", item) is None
        # stale: the facilitator moved on, then the old page's post is refused
        room.meeting.move("next")
        assert await ana.post("/vote", vote) == 409
        assert "moved on" in ana.page
        assert on_disk(session_path).answer("p01", item) is None


async def test_revealed_question_is_closed(session_path):
    async with room_on(session_path) as room, phones(room, 1) as (ana,):
        await ana.join("Person 01")
        await ana.get("/")
        form = {"t": ana.hidden("t"), "item": ana.hidden("item"), "answer": "maintain"}
        room.meeting.reveal()
        assert await ana.post("/vote", form) == 409
        assert "closed" in ana.page or "revealed" in ana.page
        assert on_disk(session_path).answer("p01", form["item"]) is None


async def test_auto_reveal_when_everyone_present_has_answered(session_path):
    async with room_on(session_path) as room:
        room.auto_reveal = True
        async with phones(room, 4) as people:
            for n, phone in enumerate(people, 1):
                await phone.join(f"Person {n:02d}")
            item = room.meeting.item.id
            for phone in people[:3]:
                await phone.vote(MAINTAIN)
            assert item not in room.meeting.session.revealed
            await people[3].vote(MAINTAIN)
            assert item in on_disk(session_path).revealed


async def test_stop_switch_refuses_everything(session_path):
    async with room_on(session_path) as room, phones(room, 1) as (ana,):
        await ana.join("Person 01")
        await ana.get("/")
        form = {"t": ana.hidden("t"), "item": ana.hidden("item"), "answer": "maintain"}
        await room.stop()
        before = session_path.read_bytes()
        with pytest.raises(OSError):
            await ana.post("/vote", form)
        assert session_path.read_bytes() == before
        await room.start()  # on again: the same code and seats
        assert await ana.post("/vote", form) == 200


async def test_about_you_from_a_phone_is_saved_and_its_form_cannot_be_forged(session_path):
    async with room_on(session_path) as room, phones(room, 2) as (ana, ben):
        await ana.join("Person 01")
        await ben.join("Person 02")
        assert 'href="/about"' in ana.page
        assert await ana.get("/about") == 200
        token = ana.hidden("t")
        form = {"t": token, "sector": "philanthropy", "sector-other": "<b>x</b>\x1b[2J"}
        assert await ben.post("/about", form) == 403  # Ana's form from Ben's phone
        assert await ana.post("/about", {**form, "t": "f" * 32}) == 403
        assert on_disk(session_path).participant("p01").profile == {}
        assert await ana.post("/about", form) == 200
        assert "Saved: your About-You answers" in ana.page
        assert "&lt;b&gt;x&lt;/b&gt;" in ana.page and "<b>x" not in ana.page
        profile = on_disk(session_path).participant("p01").profile
        assert profile == {"sector": "philanthropy", "sector-other": "<b>x</b>[2J"}
        assert await ben.get("/about") == 200
        assert " checked" not in ben.page and "[2J" not in ben.page  # nothing of Ana's


def test_wrong_codes_block_one_phone_for_a_minute_not_the_room():
    from bcr_tui.web.phones.seats import WrongCodes

    now = [0.0]
    wrong = WrongCodes(clock=lambda: now[0])
    for _ in range(5):
        wrong.wrong("10.0.0.7")
    assert wrong.blocked("10.0.0.7") and not wrong.blocked("10.0.0.8")
    now[0] = 61.0
    assert not wrong.blocked("10.0.0.7")
