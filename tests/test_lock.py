"""The locked versions agree with pyproject.toml's ranges, and they are what this run uses."""

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
INSTALL = "pip install -c requirements-test.txt -e '.[test]'"


def read_lock(name: str, *, this_machine: bool = False) -> dict[str, str]:
    """Package -> exact version; with this_machine, only those whose markers hold here."""
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{name}: {line} is not an exact version"
        if this_machine and requirement.marker and not requirement.marker.evaluate():
            continue
        pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(line) for line in lines]


def test_every_declared_dependency_is_locked_within_its_range():
    app, test = read_lock("requirements.txt"), read_lock("requirements-test.txt")
    for lock, requirements in ((app, declared()), (test, declared() + declared("test"))):
        for requirement in requirements:
            version = lock.get(canonicalize_name(requirement.name))
            assert version is not None, f"{requirement.name} is not locked"
            assert requirement.specifier.contains(version), f"{requirement} locked at {version}"


def test_the_app_lock_is_the_tested_versions():
    app, test = read_lock("requirements.txt"), read_lock("requirements-test.txt")
    assert {name: test.get(name) for name in app} == app


def test_this_run_uses_the_locked_versions():
    wrong = {}
    for name, version in read_lock("requirements-test.txt", this_machine=True).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = f"{installed} installed, {version} locked"
    assert not wrong, f"run `{INSTALL}`: {wrong}"
