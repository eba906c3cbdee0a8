"""Settings files: discovery upward, precedence, per-code severities, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from fz_lsp.analysis.config import (
    CONFIG_FILE,
    DEFAULT_DEBOUNCE_MS,
    ConfigError,
    Settings,
    find_config_file,
    load_settings,
    parse_exclude,
)
from fz_lsp.analysis.diagnostics import RULES, Severity


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp_path/project/src/deep/diagram.fz, with no settings anywhere yet."""
    write(tmp_path / "project" / "src" / "deep" / "diagram.fz", "")
    return tmp_path / "project"


def diagram(tree: Path) -> Path:
    return tree / "src" / "deep" / "diagram.fz"


# --- defaults --------------------------------------------------------------------------------------


def test_no_config_gives_the_catalogue_defaults(tree: Path) -> None:
    settings = load_settings(diagram(tree))
    assert settings == Settings()
    assert (settings.source, settings.debounce_ms, settings.exclude) == (None, DEFAULT_DEBOUNCE_MS, ())
    assert {code: settings.severity(code) for code in RULES} == {code: rule.severity for code, rule in RULES.items()}


# --- discovery -------------------------------------------------------------------------------------


def test_config_file_next_to_the_diagram(tree: Path) -> None:
    config = write(tree / "src" / "deep" / CONFIG_FILE, '[severity]\nFZ501 = "off"\n')
    settings = load_settings(diagram(tree))
    assert settings.source == str(config)
    assert settings.severity("FZ501") is Severity.OFF
    assert settings.severity("FZ502") is Severity.WARNING


def test_config_file_found_walking_upward(tree: Path) -> None:
    config = write(tree / CONFIG_FILE, '[severity]\nFZ204 = "error"\n')
    assert find_config_file(diagram(tree)) == (config, {"severity": {"FZ204": "error"}})
    assert load_settings(diagram(tree)).severity("FZ204") is Severity.ERROR
    # A folder is a start too (the server asks per workspace folder).
    assert load_settings(tree / "src").source == str(config)


def test_pyproject_tool_section_found_walking_upward(tree: Path) -> None:
    pyproject = write(
        tree / "pyproject.toml", '[project]\nname = "x"\n\n[tool.fz-lsp]\nseverity = { FZ302 = "hint" }\n'
    )
    settings = load_settings(diagram(tree))
    assert settings.source == str(pyproject)
    assert settings.severity("FZ302") is Severity.HINT


def test_pyproject_without_the_section_is_passed_over(tree: Path) -> None:
    write(tree / "src" / "pyproject.toml", '[project]\nname = "inner"\n[tool.ruff]\nline-length = 99\n')
    config = write(tree / CONFIG_FILE, '[severity]\nFZ302 = "info"\n')
    assert load_settings(diagram(tree)).source == str(config)


def test_config_file_wins_over_pyproject_in_the_same_folder(tree: Path) -> None:
    write(tree / "pyproject.toml", '[tool.fz-lsp]\nseverity = { FZ302 = "hint" }\n')
    config = write(tree / CONFIG_FILE, '[severity]\nFZ302 = "error"\n')
    settings = load_settings(diagram(tree))
    assert (settings.source, settings.severity("FZ302")) == (str(config), Severity.ERROR)


def test_nearest_file_wins_and_files_do_not_merge(tree: Path) -> None:
    write(tree / CONFIG_FILE, '[severity]\nFZ302 = "error"\nFZ501 = "off"\n')
    nearer = write(tree / "src" / "pyproject.toml", '[tool.fz-lsp]\nseverity = { FZ302 = "info" }\n')
    settings = load_settings(diagram(tree))
    assert settings.source == str(nearer)
    assert settings.severity("FZ302") is Severity.INFO
    assert settings.severity("FZ501") is Severity.WARNING  # the farther file's setting does not apply


def test_relative_start_is_resolved(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write(tree / CONFIG_FILE, "debounceMs = 10\n")
    monkeypatch.chdir(tree / "src")
    settings = load_settings(Path("deep") / "diagram.fz")
    assert (settings.source, settings.debounce_ms) == (str(config), 10)


def test_a_folder_named_like_the_config_file_is_not_one(tree: Path) -> None:
    (tree / "src" / CONFIG_FILE).mkdir()
    assert load_settings(diagram(tree)) == Settings()


# --- severities ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "severity"),
    [
        ("off", Severity.OFF),
        ("hint", Severity.HINT),
        ("info", Severity.INFO),
        ("warning", Severity.WARNING),
        ("error", Severity.ERROR),
        ("ERROR", Severity.ERROR),
        ("Warning", Severity.WARNING),
        ("information", Severity.INFO),
        ("warn", Severity.WARNING),
        ("none", Severity.OFF),
    ],
)
def test_severity_words(tree: Path, word: str, severity: Severity) -> None:
    write(tree / CONFIG_FILE, f'[severity]\nFZ101 = "{word}"\n')
    assert load_settings(diagram(tree)).severity("FZ101") is severity


def test_every_code_can_be_set_and_codes_are_case_insensitive(tree: Path) -> None:
    lines = [f'{code.lower()} = "hint"' for code in RULES]
    write(tree / CONFIG_FILE, "[severity]\n" + "\n".join(lines) + "\n")
    settings = load_settings(diagram(tree))
    assert {settings.severity(code) for code in RULES} == {Severity.HINT}


def test_off_by_default_codes_can_be_switched_on(tree: Path) -> None:
    write(tree / CONFIG_FILE, '[severity]\nFZ504 = "warning"\nFZ505 = "info"\n')
    settings = load_settings(diagram(tree))
    assert (settings.severity("FZ504"), settings.severity("FZ505")) == (Severity.WARNING, Severity.INFO)


def test_severities_order() -> None:
    assert Severity.OFF < Severity.HINT < Severity.INFO < Severity.WARNING < Severity.ERROR


def test_editor_settings_overlay_the_file(tree: Path) -> None:
    write(tree / CONFIG_FILE, '[severity]\nFZ302 = "error"\nFZ501 = "off"\n')
    settings = load_settings(diagram(tree)).overlay({"severity": {"FZ302": "hint"}, "debounceMs": 0}, "editor")
    assert settings.severity("FZ302") is Severity.HINT  # the editor's word wins
    assert settings.severity("FZ501") is Severity.OFF  # what the editor leaves alone stays
    assert settings.debounce_ms == 0
    assert settings.source == str(tree / CONFIG_FILE)


def test_overlay_ignores_editor_keys_it_does_not_know() -> None:
    assert Settings().overlay({"trace": {"server": "verbose"}, "serverPath": "/x"}, "editor") == Settings()


def test_exclude(tree: Path) -> None:
    write(tree / CONFIG_FILE, 'exclude = ["examples/broken", "*.draft.fz"]\n')
    assert load_settings(diagram(tree)).exclude == ("examples/broken", "*.draft.fz")
    assert parse_exclude([], "x") == ()


# --- clear errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[severity\nFZ101 = 1\n",
            "not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 10)",
        ),
        ('[severity]\nFZ999 = "off"\n', "unknown code FZ999; codes run FZ001 to FZ505"),
        (
            '[severty]\nFZ501 = "off"\n',
            "unknown setting `severty`; the settings are debounceMs, exclude, maxWaitMs, severity",
        ),
        ('[severity]\nFZ101 = "loud"\n', "FZ101 = 'loud' is not a severity (off, hint, info, warning, error)"),
        ("[severity]\nFZ101 = 3\n", "FZ101 = 3 is not a severity (off, hint, info, warning, error)"),
        ('severity = "off"\n', '`severity` must be a table of codes, like { FZ501 = "off" }'),
        ("debounceMs = -5\n", "debounceMs must be a whole number of milliseconds, not -5"),
        ("debounceMs = true\n", "debounceMs must be a whole number of milliseconds, not True"),
        ('debounceMs = "150"\n', "debounceMs must be a whole number of milliseconds, not '150'"),
        ("debounceMs = 1.5\n", "debounceMs must be a whole number of milliseconds, not 1.5"),
        ("maxWaitMs = -1\n", "maxWaitMs must be a whole number of milliseconds, not -1"),
        ('exclude = "examples/broken"\n', '`exclude` must be a list of glob patterns, like ["examples/broken"]'),
        ("exclude = [1]\n", '`exclude` must be a list of glob patterns, like ["examples/broken"]'),
        ('exclude = ["/"]\n', '`exclude` must be a list of glob patterns, like ["examples/broken"]'),
    ],
)
def test_bad_config_file_names_itself_and_the_problem(tree: Path, text: str, message: str) -> None:
    config = write(tree / CONFIG_FILE, text)
    with pytest.raises(ConfigError) as raised:
        load_settings(diagram(tree))
    assert str(raised.value) == f"{config}: {message}"


def test_bad_pyproject_section(tree: Path) -> None:
    pyproject = write(tree / "pyproject.toml", '[tool.fz-lsp.severity]\nFZ101 = "shout"\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(diagram(tree))
    assert str(raised.value) == f"{pyproject}: FZ101 = 'shout' is not a severity (off, hint, info, warning, error)"


def test_config_file_that_is_not_utf8(tree: Path) -> None:
    config = tree / CONFIG_FILE
    config.write_bytes(b'[severity]\nFZ101 = "off"\n# caf\xe9\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(diagram(tree))
    assert str(raised.value) == f"{config}: not UTF-8 text (byte 0xe9 at offset 30)"


def test_broken_farther_file_is_not_read_when_a_nearer_one_exists(tree: Path) -> None:
    write(tree / CONFIG_FILE, "this is not toml")
    nearer = write(tree / "src" / "deep" / CONFIG_FILE, "")
    assert load_settings(diagram(tree)).source == str(nearer)


def test_broken_pyproject_is_an_error_even_without_the_section(tree: Path) -> None:
    # A pyproject.toml has to be read to know whether it has the section.
    pyproject = write(tree / "src" / "pyproject.toml", "[project\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(diagram(tree))
    assert str(raised.value).startswith(f"{pyproject}: not valid TOML: ")
