"""Build the chat model from settings, say where it points, and turn SDK errors into ours.

Only this package imports openai / langchain. The engine takes an already-built langchain chat
model, so tests hand it one whose openai client runs on an `httpx.MockTransport`, or one that
points at the loopback llama-server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from copilot.errors import ConfigError, CopilotError, EngineError, RemoteNotAllowed
from copilot.loopback import is_off_machine
from copilot.settings import Settings

OPENAI_URL = "https://api.openai.com/v1"
ESCAPE_HINT = "or run with --engine rules (COPILOT_ENGINE=rules), or set COPILOT_LLM_FALLBACK=1"


@dataclass(frozen=True)
class Endpoint:
    """Where the words go: shown in errors and recorded in the analysis' privacy block."""

    url: str
    model: str

    @property
    def host(self) -> str | None:
        return urlsplit(self.url).hostname

    @property
    def remote(self) -> bool:
        """True unless the host is this machine (127.0.0.0/8, ::1, localhost): what 'left the
        machine' means, for the privacy record, COPILOT_LLM_REDACT=remote and the opt-in."""
        return is_off_machine(self.url)


def endpoint_of(settings: Settings) -> Endpoint:
    return Endpoint(settings.llm.base_url or OPENAI_URL, settings.llm.model)


def api_key(settings: Settings) -> str | None:
    for secret in (settings.llm.api_key, settings.llm.openai_api_key):
        if secret is not None and secret.get_secret_value().strip():
            return secret.get_secret_value().strip()
    return None


def _import_langchain() -> Any:
    try:
        import langchain_openai
    except ImportError as exc:  # a trimmed install: say how to get the engine
        raise ConfigError(
            "the LLM engine needs the langchain-openai and openai packages",
            "pip install langchain-openai openai (or `make install`)",
        ) from exc
    return langchain_openai


def _key_for(settings: Settings) -> str:
    """The API key the client is built with; a missing one is a ConfigError for Azure and
    OpenAI's API, and a placeholder for a server of your own."""
    key = api_key(settings)
    if settings.llm.provider == "azure":
        if not settings.llm.base_url:
            raise ConfigError("COPILOT_LLM_BASE_URL is not set for Azure OpenAI",
                              "set it to your resource endpoint, https://NAME.openai.azure.com")
        if key is None:
            raise ConfigError("no API key for Azure OpenAI",
                              "set COPILOT_LLM_API_KEY (or AZURE_OPENAI_API_KEY)")
    elif key is None:
        if settings.llm.base_url is None:
            raise ConfigError(
                "no API key for the LLM engine (it would call OpenAI's API)",
                "set COPILOT_LLM_API_KEY or OPENAI_API_KEY, or point COPILOT_LLM_BASE_URL at "
                "your own server (Ollama, vLLM, llama.cpp), " + ESCAPE_HINT,
            )
        key = "not-needed"  # local servers ignore it, but the openai client wants one
    return key


def check_remote(settings: Settings) -> None:
    """Refuse an endpoint off this machine unless COPILOT_LLM_ALLOW_REMOTE: an OPENAI_API_KEY
    exported for another tool must not be enough to send a 1:1's transcript to a third party.
    Every chat built from settings passes here, before any connection is made."""
    endpoint = endpoint_of(settings)
    if endpoint.remote and not settings.llm.allow_remote:
        raise RemoteNotAllowed(
            f"the LLM endpoint {endpoint.url} is not on this machine, and sending transcripts "
            "off it is not allowed",
            "set COPILOT_LLM_ALLOW_REMOTE=true to allow it, or point COPILOT_LLM_BASE_URL at a "
            "server on this machine (http://127.0.0.1:PORT/v1), " + ESCAPE_HINT)


def build_chat(settings: Settings) -> Any:
    """A langchain ChatOpenAI (AzureChatOpenAI for azure) configured from settings."""
    lc = _import_langchain()
    key = _key_for(settings)
    check_remote(settings)
    common: dict[str, Any] = {
        "temperature": settings.llm.temperature,
        "max_tokens": settings.llm.max_tokens,
        "timeout": settings.llm.timeout,
        "max_retries": settings.llm.max_retries,
    }
    if settings.llm.provider == "azure":
        return lc.AzureChatOpenAI(
            azure_endpoint=settings.llm.base_url, azure_deployment=settings.llm.model,
            api_version=settings.llm.api_version, api_key=key, **common,
        )
    return lc.ChatOpenAI(model=settings.llm.model, base_url=settings.llm.base_url,
                         api_key=key, **common)


def chat_from_client(client: Any, model: str, **options: Any) -> Any:
    """A ChatOpenAI over an openai.OpenAI client you built (custom transport, proxy, tests)."""
    lc = _import_langchain()
    return lc.ChatOpenAI(model=model, root_client=client, client=client.chat.completions,
                         api_key=client.api_key or "not-needed", **options)


def endpoint_of_chat(chat: Any) -> Endpoint:
    """Where an already-built chat model points (for the privacy record)."""
    root = getattr(chat, "root_client", None)
    url = str(getattr(root, "base_url", "") or getattr(chat, "openai_api_base", "") or OPENAI_URL)
    model = getattr(chat, "deployment_name", None) or getattr(chat, "model_name", None) or "?"
    return Endpoint(url.rstrip("/"), str(model))


def translate(exc: Exception, endpoint: Endpoint, timeout: float | None) -> CopilotError:
    """An SDK exception as one of ours, with what to do about it."""
    import openai

    where = f"the LLM endpoint {endpoint.url}"
    if isinstance(exc, openai.APITimeoutError):
        secs = f" within {timeout:g} s" if timeout else ""
        return EngineError(f"{where} did not answer{secs}",
                           "raise COPILOT_LLM_TIMEOUT, use a smaller model, " + ESCAPE_HINT)
    if isinstance(exc, openai.APIConnectionError):
        return EngineError(f"cannot reach {where}",
                           "start the server or fix COPILOT_LLM_BASE_URL, " + ESCAPE_HINT)
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return ConfigError(f"{where} refused the API key ({exc.status_code})",
                           "check COPILOT_LLM_API_KEY (or OPENAI_API_KEY)")
    if isinstance(exc, openai.NotFoundError):
        return ConfigError(f"{where} does not serve the model {endpoint.model!r} (404)",
                           "set COPILOT_LLM_MODEL to a model it serves, and check that "
                           "COPILOT_LLM_BASE_URL ends with /v1")
    if isinstance(exc, openai.RateLimitError):
        return EngineError(f"{where} kept answering 'rate limited' (429) after the retries",
                           "wait and retry, raise COPILOT_LLM_MAX_RETRIES, " + ESCAPE_HINT)
    if isinstance(exc, openai.APIStatusError):
        detail = " ".join(str(getattr(exc, "message", exc)).split())[:300]
        return EngineError(f"{where} answered {exc.status_code}: {detail}",
                           "a server that rejects response_format json_schema cannot run this "
                           "engine; a context-length error calls for a lower "
                           "COPILOT_LLM_CHUNK_TOKENS; " + ESCAPE_HINT)
    return EngineError(f"{where} failed: {type(exc).__name__}: {exc}", ESCAPE_HINT)
