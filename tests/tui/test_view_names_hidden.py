"""With "Audience view: hide names" on, no screen of the audience view names anyone.

The view's heatmap once listed every person with their mean score (with one revealed item of a
self-assessment: each person's exact answer). The browser's audience view (`bcr serve --view`)
runs this same `bcr view`, so what holds here holds there.
"""

from __future__ import annotations

import pytest
from readback import screen_text

from bcr_tui.driver import Meeting
from bcr_tui.storage.store import SessionStore
from bcr_tui.tui.factory import make_app


@pytest.fixture
def rated(write_session):
    """`rated(names=...)`: a PAI session in tmp_path with six ratings, its audience view showing
    names or not."""

    def write(*, names: bool):
        path = write_session()
        m = Meeting(SessionStore.open(path))
        for digit in (1, 2, 1, 2, 2, 1):
            m.rate(digit)
        if not names:
            m.toggle_audience("names")
        m.store.close()
        return path

    return write


async def test_no_screen_of_the_audience_view_names_anyone_when_names_are_hidden(rated, people):
    path = rated(names=False)
    app = make_app(view=path)
    async with app.run_test(size=(160, 50)) as pilot:
        seen = [screen_text(app)]
        await pilot.press("h")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HeatmapScreen"
        seen.append(screen_text(app))
        assert "Share of answers per domain" in seen[-1]  # the figures are still shown
    for text in seen:
        for name, _ in people:
            assert name.split()[0] not in text


async def test_hiding_names_closes_an_open_heatmap_in_the_audience_view(rated):
    from test_view import another_bcr, until

    path = rated(names=True)
    app = make_app(view=path)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        shown = screen_text(app)  # names shown: the heatmap of people is there
        assert "Mean score per person and domain" in shown and "Ana Ruiz" in shown
        another_bcr(path, "m.toggle_audience('names')")
        await until(pilot, lambda: app.screen.__class__.__name__ == "ViewScreen", "the view")
        assert "Ana" not in screen_text(app)
