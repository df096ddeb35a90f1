"""One whole meeting per instrument, keyed as a facilitator keys it at 80 × 24, every item kind
(ratings, abstentions, open questions, a table, About-You choices, tallies, a blind reveal, an
absence, a late arrival, a note, an action step), and the saved file checked whole at the end."""

from __future__ import annotations

from readback import saved, widget_text

SIZE = (80, 24)
TWO = [("Ana Ruiz", "FRC"), ("Ben Carter", None)]


def _complete(path) -> None:
    on_disk = saved(path)
    assert on_disk.answered_count() == on_disk.expected()


async def test_pai_round_robin_with_an_absence_and_a_late_arrival(tmp_path, write_session, running):
    path = write_session(tmp_path, "pai", people=TWO)
    async with running(path, size=SIZE) as (app, pilot):
        await pilot.press("1", "0")  # item 1: Ana maintain, Ben abstains
        await pilot.press("down", "a")  # Ben (who has the turn on item 2) leaves
        app.screen.add_participant("Chen Li | Schools")
        await pilot.pause()
        for _ in range(30):  # items 2..31: Ana, then Chen
            await pilot.press("2", "3")
        assert "Everyone present has answered" in widget_text(app, "#turn")
        assert "62/62 answers" in widget_text(app, "#turn")
    on_disk = saved(path)
    ids = [i.id for i in on_disk.items]
    assert on_disk.answers["p01"] == {"trust-1": "maintain", **{i: "immediate" for i in ids[1:]}}
    assert on_disk.answers["p02"] == {"trust-1": "abstain"}
    assert on_disk.answers["p03"] == {i: "future" for i in ids[1:]}
    assert (
        on_disk.participant("p02").absent and on_disk.participant("p03").organization == "Schools"
    )
    _complete(path)


async def test_cpat_participant_major_with_about_you_and_open_answers(
    tmp_path, write_session, running
):
    path = write_session(
        tmp_path, "community-partner-assessment-tool", people=TWO, order="participant-major"
    )
    async with running(path, size=SIZE) as (app, pilot):
        assert "About You" in widget_text(app, "#turn")
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter", "down", "down", "enter")  # collaborative member, parent
        await pilot.press("tab", "tab", "enter")  # tenure: the first option
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press(*"543215432154")
        await pilot.press(*"Kids feel safe, 2 days a week", "enter")
        await pilot.press(*"123451234512", "enter")  # Ben skips the open question
        await pilot.press("escape", "n", *"Ben passed", "enter")  # Esc: the keys are commands
        await pilot.pause()
        assert "Note: Ben passed" in widget_text(app, "#item-note")
    on_disk = saved(path)
    ids = [i.id for i in on_disk.items]
    assert on_disk.answers["p01"] == {
        **dict(zip(ids, "543215432154", strict=False)),
        "success": "Kids feel safe, 2 days a week",
    }
    assert on_disk.answers["p02"] == dict(zip(ids, "123451234512", strict=False))
    assert on_disk.participant("p01").profile == {
        "identify": ["collaborative-member", "parent"],
        "tenure": "0-6-months",
    }
    assert on_disk.notes == {"success": "Ben passed"}
    assert (on_disk.cursor.item, on_disk.cursor.who) == ("success", "p02")


async def test_coc_group_every_step_text_table_and_step_5(tmp_path, write_session, running):
    path = write_session(tmp_path, "communities-of-care", mode="group", people=None)
    async with running(path, size=SIZE) as (app, pilot):
        typed: dict[str, object] = {}
        expected: dict[str, object] = {}
        for n, item in enumerate(app.screen.meeting.session.items):
            assert app.screen.meeting.item.id == item.id
            if item.kind == "text":
                text = f"Answer {n}: 1 a u o h"
                await pilot.press(*text, "enter")
                expected[item.id] = text
            elif item.kind == "table":
                await pilot.press(*"Time | Protect an hour", "enter")
                await pilot.press("escape", "o", "a")
                await pilot.pause()
                await pilot.press(*"Assemble the care team", "ctrl+s")
                await pilot.pause()
                await pilot.press("escape")
                expected[item.id] = [{"barrier": "Time", "strategies": "Protect an hour"}]
            else:
                digit = 1 + n % len(item.scale.points)
                if item.id.startswith("step-5-d"):
                    assert "Does the condition exist?" in widget_text(app, "#scale-question")
                await pilot.press(str(digit))
                expected[item.id] = item.scale.points[digit - 1].key
        typed = saved(path).answers["group"]
    assert typed == expected
    assert [a.step for a in saved(path).actions] == ["Assemble the care team"]
    _complete(path)


async def test_lsa_blind_round_robin_with_reveals(tmp_path, write_session, running):
    path = write_session(tmp_path, "leadership-self-assessment", people=TWO, blind=True)
    async with running(path, size=SIZE) as (app, pilot):
        for n in range(8):
            await pilot.press(str(1 + n % 5), str(5 - n % 5))
            assert "press r to reveal" in widget_text(app, "#turn")
            await pilot.press("r", "right")
    on_disk = saved(path)
    ids = [i.id for i in on_disk.items]
    assert on_disk.answers == {
        "p01": {i: str(1 + n % 5) for n, i in enumerate(ids)},
        "p02": {i: str(5 - n % 5) for n, i in enumerate(ids)},
    }
    assert on_disk.revealed == set(ids)
    _complete(path)


async def test_loe_tally_now_and_want(tmp_path, write_session, running):
    path = write_session(tmp_path, "levels-of-engagement", mode="tally", people=None)
    async with running(path, size=SIZE) as (app, pilot):
        for n in range(6):
            await pilot.press("2", *str(n + 3), "tab", "4", "ctrl+s")
            await pilot.pause()
    on_disk = saved(path)
    ids = [i.id for i in on_disk.items]
    assert on_disk.tally == {
        i: {on_disk.items[n].scale.points[1].key: n + 3, on_disk.items[n].scale.points[2].key: 4}
        for n, i in enumerate(ids)
    }
    _complete(path)
