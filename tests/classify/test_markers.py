"""CSS-like markers compiled to regular expressions over start tags."""

from __future__ import annotations

import pytest

from toolkit.classify.markers import compile_marker


def test_marker_syntax() -> None:
    marker = compile_marker("td.status-1.free")
    assert marker.count('<td class="free status-1">') == 1
    assert marker.count('<TD CLASS="status-1 free-text">') == 0
    assert marker.count("<td data-x='1' class='status-1 free'><td class=status-1>") == 1
    assert (
        compile_marker("form#FormBookingCreate").count("<form method=post id=FormBookingCreate>")
        == 1
    )
    assert compile_marker("[src*=captchetat]").count('<img alt="" src="/captchetat/image">') == 1
    assert compile_marker("[data-captchastylename]").count("<div data-captchastylename>") == 1
    with pytest.raises(ValueError, match="cannot read"):
        compile_marker("td > a")
    with pytest.raises(ValueError, match="needs an"):
        compile_marker("td")


def test_case_insensitive_attribute_values() -> None:
    marker = compile_marker("[id*=captcha i]")
    assert marker.ignore_case
    page = '<img id="captchaFR_CaptchaImage"><input ID="CaptchaFormulaireExtInput"><p id=x>'
    assert marker.count(page) == 2
    assert marker.present("<DIV ID=CAPTCHA>") and not marker.present("<div id=x>")
    assert compile_marker("[id*=captcha]").count(page) == 1  # case-sensitive, as in CSS
    assert compile_marker("input[name*=captcha i]").count("<input name='captchaUsercode'>") == 1
