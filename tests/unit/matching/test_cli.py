"""The aidregistry-solve command: JSON in, JSON out, exit code 2 on malformed input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from aidregistry.domain.matching.cli import main

EXAMPLE = Path(__file__).with_name("example_instance.json")


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text())


def test_solves_the_documented_example(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, EXAMPLE.read_text(), "--check")
    assert code == 0
    doc = json.loads(out)
    assert doc["check"]["ok"] is True
    got = {(a["offer_id"], a["need_id"]): a for a in doc["allocations"]}
    assert got[("wuhan-kn95", "nyc-hospital")]["substitution"].startswith("KN95")
    assert got[("wuhan-kn95", "nyc-hospital")]["mode"] == "air"
    assert got[("ohio-n95", "nyc-hospital")]["quantity"] == 800
    assert sum(a["quantity"] for a in doc["allocations"]) == 3000
    (left,) = doc["uncovered"]
    assert (left["need_id"], left["reason"]) == ("milan-clinic", "no_compatible_goods")
    assert doc["totals"]["covered_by_priority"]["1"] == 3000


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("offers", 0, "lat"), 91.0, "offers[0].lat"),
        (("needs", 1, "lon"), -181, "needs[1].lon"),
        (("offers", 0, "quantity"), -1, "offers[0].quantity"),
        (("offers", 0, "quantity"), True, "boolean"),
        (("needs", 0, "needed_by"), "25/04/2020", "ISO date"),
        (("offers", 1, "modes"), ["teleport"], "teleport"),
        (("offers", 1, "certificates"), ["ISO9001"], "ISO9001"),
        (("needs", 0, "jurisdiction"), "USA", "alpha-2"),
        (("needs", 0, "priority"), 9, "no weight for priority 9"),
        (("needs", 0, "colour"), "red", "unknown field"),
    ],
)
def test_rejects_malformed_fields(monkeypatch, capsys, path, value, message) -> None:
    doc = example()
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    code, out, err = run(monkeypatch, capsys, json.dumps(doc))
    assert code == 2
    assert out == ""
    assert message in err


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_rejects_nan_and_infinity(monkeypatch, capsys, constant) -> None:
    text = EXAMPLE.read_text().replace('"lat": 30.59', f'"lat": {constant}')
    code, _, err = run(monkeypatch, capsys, text)
    assert code == 2
    assert constant.lstrip("-") in err


def test_rejects_duplicate_ids(monkeypatch, capsys) -> None:
    doc = example()
    doc["needs"][1]["id"] = "nyc-hospital"
    code, _, err = run(monkeypatch, capsys, json.dumps(doc))
    assert code == 2
    assert "duplicate id" in err


@pytest.mark.parametrize("text", ["", "[]", "{", '{"policy": {}}'])
def test_rejects_non_instances(monkeypatch, capsys, text) -> None:
    code, _, err = run(monkeypatch, capsys, text)
    assert code == 2
    assert err.startswith("aidregistry-solve: invalid instance:")


def test_certificate_can_be_left_out(monkeypatch, capsys) -> None:
    code, out, _ = run(monkeypatch, capsys, EXAMPLE.read_text(), "--no-certificate")
    assert code == 0
    assert "certificate" not in json.loads(out)


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    """`aidregistry-solve < instance.json | head -c 100`: the pipe closes mid-output."""
    doc = example()
    for side in ("offers", "needs"):  # an answer far larger than a pipe's buffer
        doc[side] = [{**r, "id": f"{r['id']}-{k}"} for k in range(400) for r in doc[side]]
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(doc))
    command = [sys.executable, "-m", "aidregistry.domain.matching"]
    with instance.open("rb") as stdin:
        solver = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert solver.stdout is not None
        assert len(solver.stdout.read(100)) == 100
        solver.stdout.close()  # the reader goes away before the rest is written
        _, err = solver.communicate(timeout=120)
    assert (solver.returncode, err) == (1, b"")
