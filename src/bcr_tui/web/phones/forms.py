"""What a phone's form says, as an answer: the buttons, checkboxes or text box of an item, or
the fields of an About-You question; text cleaned of control characters and cut to length."""

from __future__ import annotations

from typing import Any

from bcr_tui.plaintext import printable

MAX_TEXT = 2000


def answer_from(kind: str, form: Any, field: str | None = None) -> Any:
    """The answer a form carries for an item of this kind (None: none); `field` names the
    form field (About-You questions), else the answer buttons, checkboxes or text box."""
    if kind in ("rating", "choice"):
        answer = form.get(field or "answer")
        return str(answer) if answer else None
    if kind == "multichoice":
        return [str(v) for v in form.getall(field or "choice", [])]
    if kind == "text":
        text = printable(str(form.get(field or "text", ""))).strip()[:MAX_TEXT]
        return text or None
    return None
