"""What `mkdocs serve` keeps between rebuilds besides pages: compiled theme templates, and a
heap settled between builds."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import jinja2
import pytest

from conftest import MINIMAL_INCIDENT, make_project
from outagekb.rebuilds import HeapSettler, TemplateBytecode
from serving import mkdocs_serve, wait_until


def counting_environment(cache: TemplateBytecode, templates: dict[str, str]) -> tuple[jinja2.Environment, list[str]]:
    env = jinja2.Environment(loader=jinja2.DictLoader(templates), bytecode_cache=cache)
    compiled: list[str] = []
    original = env.compile

    def compile_and_count(source: str, name: str | None = None, filename: str | None = None, *args: object) -> object:
        compiled.append(str(name))
        return original(source, name, filename, *args)  # type: ignore[arg-type]

    env.compile = compile_and_count  # type: ignore[method-assign,assignment]
    return env, compiled


def test_templates_compile_once_per_session_and_again_when_edited() -> None:
    cache = TemplateBytecode()
    first, compiled = counting_environment(cache, {"page.html": "Hello {{ name }}"})
    assert first.get_template("page.html").render(name="A") == "Hello A"
    assert compiled == ["page.html"]
    second, compiled = counting_environment(cache, {"page.html": "Hello {{ name }}"})  # as MkDocs does on a rebuild
    assert second.get_template("page.html").render(name="B") == "Hello B"
    assert compiled == []  # taken from the cache
    edited, compiled = counting_environment(cache, {"page.html": "Goodbye {{ name }}"})
    assert edited.get_template("page.html").render(name="C") == "Goodbye C"
    assert compiled == ["page.html"]  # the source changed: compiled afresh


def test_the_heap_is_settled_when_idle_and_released_at_the_end() -> None:
    settler = HeapSettler(delay=0.01)
    try:
        settler.after_build()
        assert wait_until(lambda: settler.settled == 1)
        assert gc.get_freeze_count() > 0
        settler.after_build()  # a second build: settled again, the earlier frozen objects included
        assert wait_until(lambda: settler.settled == 2)
    finally:
        settler.close()
    assert gc.get_freeze_count() == 0


def test_a_build_that_starts_first_cancels_the_settling() -> None:
    settler = HeapSettler(delay=0.5)
    settler.after_build()
    settler.cancel()
    time.sleep(1.0)
    assert settler.settled == 0 and gc.get_freeze_count() == 0
    settler.close()


def test_serve_uses_both_and_leaves_the_collector_as_it_found_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    import outagekb.rebuilds

    monkeypatch.setattr(outagekb.rebuilds, "IDLE_SECONDS", 0.01)
    project = make_project(tmp_path, {"2024-05-01-example.yaml": MINIMAL_INCIDENT})
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "served"))
    config.plugins.on_startup(command="serve", dirty=True)
    plugin = config.plugins["outagekb"]
    try:
        mkdocs_build(config, dirty=True)
        assert plugin.serve.template_bytecode.compiled  # the theme's templates went through it
        assert wait_until(lambda: plugin.serve.settler.settled == 1)
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "served"))
        mkdocs_build(config, dirty=True)
        assert wait_until(lambda: plugin.serve.settler.settled == 2)
    finally:
        config.plugins.on_shutdown()
    assert gc.get_freeze_count() == 0


def test_a_plain_build_leaves_the_collector_alone(tmp_path: Path) -> None:
    from conftest import build

    build(make_project(tmp_path, {"2024-05-01-example.yaml": MINIMAL_INCIDENT}))
    time.sleep(0.2)
    assert gc.get_freeze_count() == 0


def test_mkdocs_serve_shows_an_edited_incident_without_polling_the_folder(tmp_path: Path) -> None:
    """The real `mkdocs serve --dirty`: an edit to an incident file reaches the served page,
    and MkDocs no longer polls the incidents folder itself."""
    project = make_project(tmp_path, {"2024-05-01-example.yaml": MINIMAL_INCIDENT})
    with mkdocs_serve(project, "--dirty") as served:
        page = "incidents/2024-05-01-example/"
        assert wait_until(lambda: "Example service down" in served.page(page), 120), served.output()
        incident = project / "incidents/2024-05-01-example.yaml"
        incident.write_text(MINIMAL_INCIDENT.replace("Example service down", "Edited while serving"), encoding="utf-8")
        assert wait_until(lambda: "Edited while serving" in served.page(page), 120), served.output()
        time.sleep(2)  # room for a second rebuild, which must not come: reading the file is no change
        assert served.output().count("Documentation built in") == 2
    watching = next(line for line in served.output().splitlines() if "Watching paths for changes" in line)
    from outagekb.rebuilds import FolderWatcher

    probe = FolderWatcher(str(tmp_path))
    native = probe.start()
    probe.stop()
    if native:
        assert "outagekb-watch-" in watching and str(project / "incidents") not in watching, watching
    else:  # no change reports on this system: MkDocs polls the folder, as without the plugin
        assert str(project / "incidents") in watching, watching


def test_the_folder_watcher_signals_changes_not_reads(tmp_path: Path) -> None:
    from outagekb.rebuilds import FolderWatcher

    folder = tmp_path / "incidents"
    folder.mkdir()
    existing = folder / "2024-05-01-example.yaml"
    existing.write_text(MINIMAL_INCIDENT, encoding="utf-8")
    watcher = FolderWatcher(str(folder))
    if not watcher.start():
        pytest.skip("this system reports no file changes; MkDocs keeps polling the folder")
    signal_dir = Path(watcher.signal_dir)
    signal = signal_dir / "changed"
    try:
        existing.read_text(encoding="utf-8")  # the build reads files: no rebuild for that
        time.sleep(0.5)
        assert not signal.exists()
        existing.write_text(MINIMAL_INCIDENT + "\n", encoding="utf-8")
        assert wait_until(signal.exists)
        signal.unlink()
        (folder / "2024-06-01-new.yaml").write_text(MINIMAL_INCIDENT, encoding="utf-8")
        assert wait_until(signal.exists)
        signal.unlink()
        existing.unlink()
        assert wait_until(signal.exists)
    finally:
        watcher.stop()
    assert not signal_dir.exists()


def test_compiled_templates_are_dropped_when_the_jinja_settings_change() -> None:
    cache = TemplateBytecode()
    first = jinja2.Environment(loader=jinja2.DictLoader({"page.html": "{% if x %}\nyes{% endif %}"}))
    cache.serve(first)
    assert first.get_template("page.html").render(x=True) == "\nyes"
    assert cache.compiled
    trimmed = jinja2.Environment(loader=jinja2.DictLoader({"page.html": "{% if x %}\nyes{% endif %}"}), trim_blocks=True)
    cache.serve(trimmed)  # as after an edit to mkdocs.yml that changes how templates compile
    assert trimmed.get_template("page.html").render(x=True) == "yes"


class RecordingServer:
    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


@pytest.mark.parametrize("layout", ["own folder", "inside docs_dir", "with a link"])
def test_the_incidents_folder_is_left_to_mkdocs_where_events_would_miss_or_double(tmp_path: Path, layout: str) -> None:
    from mkdocs.config import load_config

    project = make_project(tmp_path, {"2024-05-01-example.yaml": MINIMAL_INCIDENT})
    if layout == "inside docs_dir":
        (project / "incidents").rename(project / "docs" / "incidents")
        config_file = project / "mkdocs.yml"
        config_file.write_text(
            config_file.read_text(encoding="utf-8").replace("  - outagekb\n", "  - outagekb:\n      incidents: docs/incidents\n"),
            encoding="utf-8",
        )
    if layout == "with a link":
        (tmp_path / "elsewhere.yaml").write_text(MINIMAL_INCIDENT, encoding="utf-8")
        (project / "incidents" / "2024-06-01-linked.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(tmp_path / "served"))
    config.plugins.on_startup(command="serve", dirty=True)
    plugin = config.plugins["outagekb"]
    try:
        config = config.plugins.on_config(config)
        incidents = plugin.incidents_dir
        assert incidents in config.watch
        server = RecordingServer()
        plugin.on_serve(server, config=config, builder=lambda: None)
        if layout == "own folder" and plugin.serve.watcher is not None:  # None: no change reports on this system
            assert incidents not in config.watch and server.watched == [plugin.serve.watcher.signal_dir]
        if layout != "own folder":
            assert plugin.serve.watcher is None and incidents in config.watch and server.watched == []
    finally:
        config.plugins.on_shutdown()
