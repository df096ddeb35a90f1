"""Pilot: the heatmap and the read-out on the demo session; blind items never reach them."""

from __future__ import annotations

from readback import saved, statics_text

from bcr_tui.tui.widgets.heatmap import HeatmapView


async def test_heatmap_shows_every_domain_with_numbers(tmp_path, write_demo, running):
    path = write_demo(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("h")
        views = list(app.screen.query(HeatmapView))
        answers = views[0].grid
        assert [label for label, _ in answers.rows] == [
            "Trust",
            "Shared Values",
            "Org. Culture",
            "Capacity Building",
            "Integrated Learning",
            "Systems",
        ]
        trust = dict(zip(answers.columns, answers.rows[0][1], strict=True))
        # 78 Trust answers in the demo; the shares are the figures the read-out uses too
        assert trust["answers"].text == "78" and trust["Maintain"].text == "59%"
        people = views[1].grid
        assert len(people.rows) == 16
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "MeetingScreen"


async def test_readout_names_strengths_priorities_and_disagreement(tmp_path, write_demo, running):
    path = write_demo(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("o")
        await pilot.pause()
        text = statics_text(app)
        assert "Major strengths" in text and "Needs immediate attention" in text
        assert "Clarity about what each partner is willing to contribute." in text
        assert "Focus is on outcomes and results agreed upon by all partners." in text
        assert "Where the room disagrees" in text and "consensus" in text
        assert "What are the 2-3 areas that need immediate attention?" in text  # Step 2
        assert "Hold a joint resource-allocation workshop" in text


async def test_action_steps_added_in_the_readout_are_saved(tmp_path, write_session, running):
    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("o", "a")
        await pilot.press(
            *"Call the school board", "tab", *"Agenda", "tab", *"Ana", "tab", *"2027-01-15", "enter"
        )
        await pilot.pause()
        actions = saved(path).actions
        assert [(a.step, a.needs, a.owner, a.due) for a in actions] == [
            ("Call the school board", "Agenda", "Ana", "2027-01-15")
        ]
        assert "Call the school board" in statics_text(app)


async def test_blind_items_never_reach_the_heatmap_or_the_readout(tmp_path, write_session, running):
    path = write_session(tmp_path, blind=True)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("2", "2", "2")  # everyone: immediate attention, not revealed
        live = app.screen.query_one("#live-heatmap", HeatmapView).grid
        assert all(c.text in ("–", "0") for _, cells in live.rows for c in cells)
        await pilot.press("h")
        grid = app.screen.query(HeatmapView).first().grid
        trust = dict(zip(grid.columns, grid.rows[0][1], strict=True))
        assert trust["answers"].text == "0" and trust["Immediate"].text == "–"
        await pilot.press("escape", "o")
        await pilot.pause()
        text = statics_text(app)
        assert "1 blind item(s) not yet revealed are left out" in text
        assert "Time spent to develop understanding" not in text
        await pilot.press("escape", "r", "h")
        grid = app.screen.query(HeatmapView).first().grid
        trust = dict(zip(grid.columns, grid.rows[0][1], strict=True))
        assert trust["answers"].text == "3" and trust["Immediate"].text == "100%"


async def test_heatmap_titles_from_the_instrument_are_never_markup(tmp_path, write_demo, running):
    """A profile question's text titles its heatmap: `[/]` in it crashed the screen as markup."""
    path = write_demo(tmp_path)
    text = path.read_text("utf-8")
    assert 'text = "Sector/System"' in text
    path.write_text(
        text.replace('text = "Sector/System"', 'text = "Sector [/] [b]System"'), "utf-8"
    )
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("h")
        await pilot.pause()
        assert "Mean score by Sector [/] [b]System" in statics_text(app)


async def test_communities_of_care_heatmap_and_readout_have_figures(
    tmp_path, write_session, opened, running
):
    """It said "No figures" after Yes/No/Unsure answers; the read-out lists every condition
    answered No and the written answers."""
    path = write_session(tmp_path, "communities-of-care", people=None, mode="group")
    with opened(path) as store:
        s = store.session
        for item in s.instrument.rating_items:
            s.record("group", item.id, "no")
        s.record("group", "step-1-why", "So that no student falls through")
        store.save()
    async with running(path, size=(80, 24)) as (app, pilot):
        await pilot.press("escape", "h")
        await pilot.pause()
        text = statics_text(app)
        assert "No figures" not in text and "Step 5: each condition" in text
        grid = app.screen.query(HeatmapView).first().grid
        assert grid.columns == ("Yes", "No", "Unsure", "answers")
        # Back in the meeting the open question's box has the keyboard again: Esc leaves it.
        await pilot.press("escape", "escape", "o")
        await pilot.pause()
        text = statics_text(app)
        assert 'Conditions answered "No" (not in place)' in text
        assert "Routines to support executing your vision" in text
        assert "So that no student falls through" in text
