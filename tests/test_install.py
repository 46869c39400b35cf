"""outagekb installs as the README says, on a machine that has never seen it: the wheel and
the sdist build and hold every file the package needs, the wheel installs into a fresh
environment, `outagekb init` there writes a requirements.txt that installs the same
outagekb into a second fresh environment (with no package index for outagekb itself), and
the new knowledge base builds there with `mkdocs build --strict`.

Slow (two virtual environments; the other packages come from PyPI or pip's cache), so it
carries the `site` mark and `make quick` leaves it out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from outagekb import __version__

# what a copy of the source tree leaves out: builds, environments and caches of this checkout
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "*.egg-info", "build", "dist", "site", "__pycache__", ".*_cache", ".hypothesis", "node_modules"
)


def run(command: list[str], cwd: Path, timeout: float = 600) -> str:
    """Run a command; fail with its output when it fails."""
    environment = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_MKDOCS_2_WARNING": "1"}
    environment.pop("VIRTUAL_ENV", None)
    environment.pop("PYTHONPATH", None)
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=environment)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def package_files(package: Path) -> set[str]:
    """Every file the installed package needs, as `outagekb/...`: modules, templates, the shipped
    catalog and the py.typed marker (of the copy that was built, which others may be editing)."""
    wanted = {"py.typed", "defaults/catalog.yaml"}
    wanted |= {f"templates/{p.name}" for p in (package / "templates").iterdir() if p.is_file()}
    wanted |= {f"messages/{p.name}" for p in (package / "messages").iterdir() if p.is_file()}
    wanted |= {str(p.relative_to(package)).replace(os.sep, "/") for p in package.rglob("*.py")}
    return {f"outagekb/{name}" for name in wanted}


def fresh_environment(folder: Path) -> Path:
    """A new virtual environment with no outagekb; its bin folder."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=300)
    return folder / ("Scripts" if os.name == "nt" else "bin")


@pytest.mark.site
def test_wheel_installs_and_init_requirements_install_the_same_outagekb(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)  # the build never writes into the checkout
    dist = tmp_path / "dist"
    # an sdist, then a wheel built from that sdist: a file missing from the sdist breaks the wheel
    run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], cwd=tmp_path)
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    assert [w.name for w in wheels] == [f"outagekb-{__version__}-py3-none-any.whl"]
    assert [s.name for s in sdists] == [f"outagekb-{__version__}.tar.gz"]
    run([sys.executable, "-m", "twine", "check", "--strict", *map(str, wheels + sdists)], cwd=tmp_path)

    needed = package_files(source / "plugins" / "outagekb")
    in_wheel = set(zipfile.ZipFile(wheels[0]).namelist())
    assert needed <= in_wheel, f"missing from the wheel: {sorted(needed - in_wheel)}"
    prefix = f"outagekb-{__version__}/plugins/"
    with tarfile.open(sdists[0]) as archive:
        in_sdist = {name.removeprefix(prefix) for name in archive.getnames()}
    assert needed <= in_sdist, f"missing from the sdist: {sorted(needed - in_sdist)}"

    # 1. the release wheel into a machine's fresh environment, as the README's install says
    first = fresh_environment(tmp_path / "first")
    run([str(first / "pip"), "install", "--quiet", str(wheels[0])], cwd=tmp_path)
    assert run([str(first / "outagekb"), "--version"], cwd=tmp_path).strip() == f"outagekb {__version__}"
    run([str(first / "outagekb"), "init", "our-outages"], cwd=tmp_path)
    kb = tmp_path / "our-outages"
    requirements = (kb / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert f"outagekb @ {wheels[0].as_uri()}" in requirements, requirements
    assert not any(line.startswith("outagekb==") for line in requirements)  # outagekb is on no index yet

    # 2. what init wrote into a second fresh environment: the same outagekb, from the same wheel
    second = fresh_environment(tmp_path / "second")
    run([str(second / "pip"), "install", "--quiet", "-r", "requirements.txt"], cwd=kb)
    shown = run([str(second / "pip"), "show", "--files", "outagekb"], cwd=kb)
    location = next(line.split(":", 1)[1].strip() for line in shown.splitlines() if line.startswith("Location:"))
    origin = json.loads(next(Path(location).glob("outagekb-*.dist-info")).joinpath("direct_url.json").read_text())
    assert origin["url"] == wheels[0].as_uri() and "archive_info" in origin
    run([str(second / "outagekb"), "validate"], cwd=kb)
    run([str(second / "mkdocs"), "build", "--strict"], cwd=kb)
    for page in ("index.html", "incidents/index.html", "causes/index.html", "schema/incident.schema.json"):
        assert (kb / "site" / page).is_file(), page
