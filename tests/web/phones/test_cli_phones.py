"""`bcr open SESSION --phones`: refusals are one sentence and exit code 2, before anything opens."""

from __future__ import annotations

from phonekit import write_session


def test_group_mode_refuses_phones_with_a_sentence(tmp_path, run_bcr):
    path = write_session(tmp_path, people=0, blind=False, mode="group")
    result = run_bcr("open", path, "--phones", "--host", "127.0.0.1", cwd=tmp_path)
    assert result.returncode == 2
    assert "answer for themselves" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / ".phones.toml.lock").exists()


def test_every_interface_is_refused(tmp_path, run_bcr):
    path = write_session(tmp_path)
    result = run_bcr("open", path, "--phones", "--host", "0.0.0.0", cwd=tmp_path)
    assert result.returncode == 2 and "every network" in result.stderr


def test_host_without_phones_is_a_mistake(tmp_path, run_bcr):
    path = write_session(tmp_path)
    result = run_bcr("open", path, "--host", "127.0.0.1", cwd=tmp_path)
    assert result.returncode == 2 and "--phones" in result.stderr
