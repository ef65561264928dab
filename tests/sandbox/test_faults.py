"""Fault specs from the command line, from TOML files and from the constructor."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoreline.sandbox import Fault, FaultMode, load_faults, parse_fault_spec


@pytest.mark.parametrize(
    ("spec", "model", "fault"),
    [
        ("mymodel=status:503", "mymodel", Fault(FaultMode.STATUS, status=503)),
        ("mymodel=hang", "mymodel", Fault(FaultMode.HANG)),
        ("m=prose@0.3", "m", Fault(FaultMode.PROSE, p=0.3)),
        ("m=status:429@0.5", "m", Fault(FaultMode.STATUS, status=429, p=0.5)),
        ("hf:moonshotai/Kimi-K2.5=reset", "hf:moonshotai/Kimi-K2.5", Fault(FaultMode.RESET)),
        (" m = no_usage @ 0 ", "m", Fault(FaultMode.NO_USAGE, p=0.0)),
    ],
)
def test_parse_fault_spec_reads_model_mode_status_and_probability(
    spec: str, model: str, fault: Fault
) -> None:
    assert parse_fault_spec(spec) == (model, fault)


def test_status_fault_without_a_code_answers_500() -> None:
    _, fault = parse_fault_spec("m=status")
    assert fault.status is None
    assert fault.status_code == 500


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "hang",
        "=hang",
        "m=",
        "m=explode",
        "m=status:abc",
        "m=status:",
        "m=status:200",
        "m=prose:503",
        "m=hang@1.5",
        "m=hang@-0.1",
        "m=hang@often",
    ],
)
def test_parse_fault_spec_rejects_bad_specs_naming_them(spec: str) -> None:
    with pytest.raises(ValueError, match="bad fault spec") as info:
        parse_fault_spec(spec)
    assert repr(spec) in str(info.value)


def test_unknown_mode_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="valid: status, hang, reset"):
        parse_fault_spec("m=explode")


def test_fault_coerces_a_mode_string_and_validates_fields() -> None:
    assert Fault("hang").mode is FaultMode.HANG  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="latency_s"):
        Fault(FaultMode.HANG, latency_s=-1)
    with pytest.raises(ValueError, match="p must be"):
        Fault(FaultMode.HANG, p=float("nan"))
    with pytest.raises(ValueError, match="status must be an integer"):
        Fault(FaultMode.STATUS, status=True)


def test_load_faults_reads_one_table_per_model(tmp_path: Path) -> None:
    path = tmp_path / "faults.toml"
    path.write_text(
        """
[faults."kimi-k2.5-syn"]
mode = "status"
status = 503
p = 1.0

[faults."hf:org/slow"]
mode = "prose"
p = 0.25
latency_s = 1.5
""",
        encoding="utf-8",
    )
    assert load_faults(path) == {
        "kimi-k2.5-syn": Fault(FaultMode.STATUS, status=503),
        "hf:org/slow": Fault(FaultMode.PROSE, p=0.25, latency_s=1.5),
    }


def test_load_faults_accepts_a_file_without_faults(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    assert load_faults(path) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[faults.m]\nmode = "explode"\n', "faults.'m': unknown fault mode 'explode'"),
        ("[faults.m]\nstatus = 503\n", "faults.'m': 'mode' is required"),
        ('[faults.m]\nmode = "hang"\nprobability = 1\n', "faults.'m': unknown key"),
        ('[faults.m]\nmode = "status"\nstatus = 200\n', "faults.'m': status must be"),
        ('[faults.m]\nmode = "hang"\np = 2\n', "faults.'m': p must be"),
        ('[faults]\nm = "hang"\n', "faults.'m': expected a table"),
        ('faults = "hang"\n', "'faults' must be a table"),
        ('[fault.m]\nmode = "hang"\n', "unknown top-level key"),
        ("[faults.m\n", "invalid TOML"),
    ],
)
def test_load_faults_errors_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_faults(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)
