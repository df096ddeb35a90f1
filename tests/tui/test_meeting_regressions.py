

async def test_keys_typed_or_pasted_before_a_field_has_the_keyboard_go_into_the_first(tmp_path):
    from textual import events

    path = write_session(tmp_path)
    async with running(path, size=(100, 30)) as (app, pilot):
        await pilot.press("n")
        dialog = app.screen
        dialog.set_focus(None)  # as between the dialog opening and its field taking the keys
        await pilot.press(*"ab1u")
        assert dialog.query_one("#prompt").value == "ab1u" and dialog.focused.id == "prompt"
        dialog.set_focus(None)
        dialog.post_message(events.Paste(" pasted\ntext"))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert saved(path).notes == {"trust-1": "ab1u pasted text"}
        assert saved(path).answers == {}  # no digit or letter ran a command
