"""The phone pages: plain server-rendered HTML forms, escaped, with no external assets.

Every page works without JavaScript (a form post, then a redirect to the page that says what
happened). Where JavaScript runs, one inline script (allowed by a per-response nonce) listens for
"something changed" (Server-Sent Events carry only a version string) and reloads, and a page
brought back from the background reloads. Tap targets are at least 3 rem high; the text is large
and high-contrast, readable on a small old phone. Every text from a session or an instrument goes
through `html.escape`.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bcr_tui.instrument.model import ABSTAIN, Item

STYLE = """
*{box-sizing:border-box}
body{margin:0;padding:1rem;font:1.15rem/1.45 system-ui,sans-serif;background:#fff;color:#111;
max-width:40rem;margin:auto}
h1{font-size:1.3rem;margin:.6rem 0 1rem}
button,input,textarea{font:inherit}
button{display:block;width:100%;min-height:3.2rem;margin:.5rem 0;padding:.6rem 1rem;
border:2px solid #113;border-radius:.6rem;background:#eef1ff;color:#111;text-align:left}
button[aria-pressed=true]{background:#113;color:#fff;font-weight:bold}
button[aria-pressed=true]::before{content:"\\2714  "}
button.abstain{background:#f4f4f4;border-style:dashed}
input[type=text],textarea{width:100%;min-height:3.2rem;padding:.6rem;border:2px solid #113;
border-radius:.6rem}
textarea{min-height:8rem}
label.choice{display:flex;gap:.6rem;align-items:center;min-height:3rem}
label.choice input{width:1.6rem;height:1.6rem}
.saved{padding:.7rem 1rem;border-radius:.6rem;background:#e6f4ea;border:2px solid #1a5e2a;
font-weight:bold}
.problem{padding:.7rem 1rem;border-radius:.6rem;background:#fff1e0;border:2px solid #8a4b00}
.muted{color:#444;font-size:1rem}
a{color:#113;font-weight:bold;padding:.4rem 0;display:inline-block}
fieldset{border:2px solid #ccd;border-radius:.6rem;margin:0 0 1rem}
"""

SCRIPT = """(function(){var v=document.body.getAttribute('data-v');
function again(){if(navigator.onLine!==false)location.reload()}
function listen(){var s=new EventSource('/events');
s.onmessage=function(e){if(e.data!==v){s.close();again()}};
s.onerror=function(){if(s.readyState===2)setTimeout(listen,3000)}}
if(window.EventSource)listen();
document.addEventListener('visibilitychange',function(){if(!document.hidden)again()});
window.addEventListener('pageshow',function(e){if(e.persisted)again()});
window.addEventListener('online',again)})();"""


def page(title: str, body: str, *, nonce: str, version: str = "") -> str:
    """A whole page around `body` (already escaped HTML)."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>{escape(title)}</title><style nonce="{nonce}">{STYLE}</style></head>'
        f'<body data-v="{escape(version)}"><main>{body}</main>'
        f'<script nonce="{nonce}">{SCRIPT}</script></body></html>\n'
    )


def notice(text: str, *, problem: bool = False) -> str:
    """A sentence in a box (a problem, or what was saved)."""
    kind = "problem" if problem else "saved"
    return f'<p class="{kind}" role="status">{escape(text)}</p>'


def join_body(problem: str | None = None) -> str:
    """`GET /`: the join-code form."""
    return (
        "<h1>Join the meeting</h1>"
        + (notice(problem, problem=True) if problem else "")
        + '<form method="post" action="/join"><label for="code">Join code</label>'
        '<input type="text" id="code" name="code" autocomplete="off" '
        'autocapitalize="characters" maxlength="12" required>'
        '<button type="submit">Join</button></form>'
        '<p class="muted">The code is on the projector.</p>'
    )


def names_body(code: str, people: Iterable[tuple[str, str]], problem: str | None = None) -> str:
    """The names not yet claimed: tap yours."""
    buttons = "".join(
        f'<button type="submit" name="who" value="{escape(pid)}">{escape(name)}</button>'
        for pid, name in people
    )
    if not buttons:
        buttons = (
            '<p class="problem">Every name has a phone. If yours is missing, ask the '
            "facilitator to add you.</p>"
        )
    return (
        "<h1>Who are you?</h1>"
        + (notice(problem, problem=True) if problem else "")
        + '<form method="post" action="/seat">'
        f'<input type="hidden" name="code" value="{escape(code)}">{buttons}</form>'
        '<p class="muted">Not on the list? Ask the facilitator to add you.</p>'
    )


def item_body(
    *,
    name: str,
    item: Item,
    position: str,
    token: str,
    mine: object,
    saved_label: str | None,
    open_: bool,
    problem: str | None = None,
    about: bool = False,
) -> str:
    """The current question for one person: their answer buttons (or a text box), and what of
    theirs is saved. `mine` is their own answer (the only answer a phone ever sees)."""
    link = (' · <a href="/about">About you</a>' if about else "") + (
        "<noscript><br>When the facilitator moves on, reload this page.</noscript>"
    )
    head = (
        f'<p class="muted">You: <strong>{escape(name)}</strong> · {escape(position)}'
        f"{link}</p><h1>{escape(item.text)}</h1>"
    )
    said = (notice(problem, problem=True) if problem else "") + (
        notice(f"Saved: {saved_label}") if saved_label else ""
    )
    if not open_:
        return (
            head
            + said
            + (
                '<p class="problem" role="status">Answers to this question are '
                "closed. The next question will show here.</p>"
            )
        )
    if item.kind == "table":
        return head + said + "<p>This question is answered at the laptop.</p>"
    hidden = (
        f'<input type="hidden" name="t" value="{escape(token)}">'
        f'<input type="hidden" name="item" value="{escape(item.id)}">'
    )
    if item.kind in ("rating", "choice"):
        return (
            head
            + said
            + (f'<form method="post" action="/vote">{hidden}{_answer_buttons(item, mine)}</form>')
        )
    if item.kind == "multichoice":
        chosen = set(mine) if isinstance(mine, list) else set()
        boxes = "".join(
            f'<label class="choice"><input type="checkbox" name="choice" '
            f'value="{escape(o.key)}"{" checked" if o.key in chosen else ""}>'
            f"{escape(o.label)}</label>"
            for o in item.options
        )
        return (
            head
            + said
            + (
                f'<form method="post" action="/vote">{hidden}{boxes}'
                '<button type="submit">Send</button></form>'
            )
        )
    text = mine if isinstance(mine, str) else ""
    return (
        head
        + said
        + (
            f'<form method="post" action="/vote">{hidden}'
            '<label for="text">Your answer</label>'
            f'<textarea id="text" name="text" maxlength="2000" required>{escape(text)}'
            '</textarea><button type="submit">Send</button></form>'
        )
    )


def _answer_buttons(item: Item, mine: object) -> str:
    if item.scale is not None:
        answers = [(p.key, p.label) for p in item.scale.points]
    else:
        answers = [(o.key, o.label) for o in item.options]
    buttons = [_button(key, label, mine == key) for key, label in answers]
    buttons.append(_button(ABSTAIN, "Abstain", mine == ABSTAIN, css="abstain"))
    return "".join(buttons)


def _button(key: str, label: str, pressed: bool, css: str = "") -> str:
    klass = f' class="{css}"' if css else ""
    return (
        f'<button type="submit" name="answer" value="{escape(key)}"{klass} '
        f'aria-pressed="{"true" if pressed else "false"}">{escape(label)}</button>'
    )


def stopped_body() -> str:
    """The meeting is not taking phone answers (the facilitator switched phones off)."""
    return "<h1>Phones are off</h1><p>The facilitator is not taking answers from phones now.</p>"


def about_body(
    questions: Iterable[Item], profile: dict, token: str, *, saved: bool, problem: str | None = None
) -> str:
    """The About-You questions for one person, with their own answers filled in."""
    parts = [
        "<h1>About you</h1>",
        notice(problem, problem=True) if problem else "",
        notice("Saved: your About-You answers") if saved else "",
        '<form method="post" action="/about">',
        f'<input type="hidden" name="t" value="{escape(token)}">',
    ]
    for q in questions:
        current = profile.get(q.id)
        options = [(o.key, o.label) for o in q.options] + ([("other", "Other")] if q.other else [])
        parts.append(f"<fieldset><legend>{escape(q.text)}</legend>")
        if q.kind in ("choice", "multichoice"):
            kind = "radio" if q.kind == "choice" else "checkbox"
            chosen = set(current) if isinstance(current, list) else {current}
            parts.extend(
                f'<label class="choice"><input type="{kind}" name="{escape(q.id)}" '
                f'value="{escape(key)}"{" checked" if key in chosen else ""}>'
                f"{escape(label)}</label>"
                for key, label in options
            )
        else:
            parts.append(
                f'<input type="text" name="{escape(q.id)}" maxlength="300" '
                f'aria-label="{escape(q.text)}" value="{escape(current or "")}">'
            )
        if q.other:
            other = profile.get(f"{q.id}-other") or ""
            parts.append(
                f'<input type="text" name="{escape(q.id)}-other" maxlength="300" '
                f'aria-label="Other: please say" placeholder="Other: please say" '
                f'value="{escape(other)}">'
            )
        parts.append("</fieldset>")
    parts.append(
        '<button type="submit">Save</button></form><p><a href="/">Back to the question</a></p>'
    )
    return "".join(parts)
