"""The README's two commands are the ones CI and newcomers run."""

from __future__ import annotations

from loaders import paths


def _readme_commands() -> list[str]:
    lines = (paths.ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "```sh", "the README must start with the two commands"
    end = lines.index("```", 1)
    return lines[1:end]


def test_readme_starts_with_exactly_two_commands() -> None:
    run_app, run_tests = _readme_commands()
    assert run_app.endswith("pip install -r requirements.txt && streamlit run app.py")
    assert run_tests.endswith("pip install -r requirements-dev.txt && python -m pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _readme_commands()[1] in ci
