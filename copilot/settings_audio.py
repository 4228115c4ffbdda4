"""Settings of recordings (`settings.audio`, built by copilot/settings.py): transcription,
diarization, voiceprints and upload limits (copilot/ingest)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class AudioSettings(BaseSettings):
    """Recordings: transcription, diarization, voiceprints and upload limits (copilot/ingest)."""

    model_config = SettingsConfigDict(env_prefix="COPILOT_", extra="forbid")

    # Who turns speech into words: the embedded faster-whisper, or an OpenAI-compatible
    # /v1/audio/transcriptions server (another `copilot serve`, speaches, vLLM, OpenAI...).
    transcriber: Literal["whisper", "openai"] = Field(
        default="whisper", description="whisper = the embedded faster-whisper (COPILOT_WHISPER_*)"
        "; openai = POST the audio to COPILOT_TRANSCRIBE_URL's /audio/transcriptions.")
    transcribe_url: str | None = Field(
        default=None, description="Base URL of the transcription server, e.g. "
        "http://gpu-box:8000/v1; unset = OpenAI's API (off this machine: needs "
        "COPILOT_TRANSCRIBE_ALLOW_REMOTE).")
    transcribe_model: str = Field(default="whisper-1", min_length=1,
                                  description="The `model` field sent to the server.")
    transcribe_api_key: SecretStr | None = Field(
        default=None, description="Sent as `Authorization: Bearer`; unset = no header.")
    transcribe_timeout: float = Field(
        default=600.0, gt=0, description="Seconds one request (one block of at most 10 "
        "minutes of audio) may take.")
    # A recording is the most sensitive thing this holds: it leaves the machine only when the
    # operator says so (copilot/ingest/transcribe_openai.py refuses before any connection).
    transcribe_allow_remote: bool = Field(
        default=False, description="Allow a transcription server off this machine (anything "
        "but 127.0.0.0/8, ::1, localhost), OpenAI's API included.")
    whisper_model: str = Field(
        default="base", description="'base' = the embedded multilingual Whisper base (assembled "
        "from PyPI packages into HOME/models), or a local folder holding any CTranslate2 Whisper "
        "model (model.bin), used as it is.")
    whisper_device: Literal["cpu", "cuda"] = "cpu"
    whisper_compute_type: str | None = Field(
        default=None, description="CTranslate2 compute type; default int8 on cpu, "
        "int8_float16 on cuda.")
    whisper_cpu_threads: int = Field(default=0, ge=0, description="0 = CTranslate2's default.")
    # Beam 5: 7-9 points of WER better than greedy on real French (eval/asr.py, FLEURS: 25.6%
    # vs 34.8% clean); with the guards' temperature fallback stopped at 0.4 it costs ~15-40%
    # more time, not the 3-4x of faster-whisper's fallback up to 1.0 on noisy audio.
    whisper_beam_size: int = Field(default=5, ge=1, le=10)
    # Silero VAD for transcription (faster-whisper's vad_filter and the speech the language is
    # detected on). faster-whisper's own. 800 ms of padding measured better WER (FLEURS, beam 5
    # + denoiser: 25.6% / 32.9% at 10 dB vs 27.5% / 35.8%) but Whisper then starts a chunk's
    # first word at the padded start (0.8 s early on the example), which misplaces turn starts.
    whisper_vad_threshold: float = Field(
        default=0.5, ge=0.0, le=1.0,
        description="Speech probability above which a 32 ms frame is speech (transcription).")
    whisper_vad_min_speech_ms: int = Field(
        default=0, ge=0, le=10_000,
        description="Speech chunks shorter than this are dropped before transcription.")
    whisper_vad_min_silence_ms: int = Field(
        default=2000, ge=0, le=60_000,
        description="Silence that ends a speech chunk before transcription.")
    whisper_vad_speech_pad_ms: int = Field(
        default=400, ge=0, le=5_000,
        description="Audio kept each side of a speech chunk before transcription.")
    # Hallucination guards (copilot/ingest/hallucination.py): faster-whisper gives up on a
    # window it is not sure holds speech, retries at most up to temperature 0.4 (its default
    # goes to 1.0, where it invents), and text that still looks invented (a loop, a flood of
    # words) is dropped with a `transcription_doubtful` warning. Measured in eval/asr.py.
    whisper_guards: bool = Field(default=True, description="Hallucination guards on/off.")
    whisper_no_speech_threshold: float = Field(
        default=0.6, ge=0.0, le=1.0, description="A window whose no-speech probability is "
        "above this and whose average log-probability is below the next setting is skipped.")
    whisper_log_prob_threshold: float = Field(
        default=-1.0, le=0.0, description="Average token log-probability under which a window "
        "is decoded again at the next temperature.")
    whisper_compression_ratio_threshold: float = Field(
        default=2.4, gt=1.0, description="gzip compression ratio of a window's text above "
        "which it is decoded again (a loop compresses well); still above: dropped.")
    whisper_temperatures: tuple[float, ...] = Field(
        default=(0.0, 0.2, 0.4), min_length=1, description="Decoding temperatures, tried in "
        "order while a window fails the thresholds above.")
    whisper_max_repeats: int = Field(
        default=4, ge=2, le=50, description="A phrase said back to back this many times (over "
        "8 words or more) is a decoding loop: dropped.")
    whisper_max_words_per_second: float = Field(
        default=6.5, gt=0.0, description="A segment with more words a second is dropped.")
    # Denoising front end (copilot/ingest/denoise.py) for the recogniser only, when the
    # recording's loud/quiet frame ratio is under this many dB (clean speech 35-50 dB, street
    # noise at 10 dB SNR ~15): helped WER in noise, hurt it on clean speech (eval/asr.py).
    whisper_denoise_below_db: float | None = Field(
        default=25.0, ge=0.0, le=100.0, description="Denoise recordings whose dynamic range "
        "is under this (dB); unset (null) never denoises.")
    whisper_denoise_filter: str = Field(
        default="afftdn=nf=-25", description="The ffmpeg audio filter of the denoiser.")
    # Off by default: on the two French dialogues the names were written right without them
    # (WER 8.7% / 17.4% none, 9.3% / 15.3% hotwords, 10.7% / 16.7% initial prompt) and on
    # FLEURS, where the names are not said, hotwords cost 3.9 points of clean WER (eval/asr.py).
    whisper_hotwords: Literal["names", "none"] = Field(
        default="none", description="'names': the manager's and the report's names prime the "
        "decoder (faster-whisper hotwords, every 30 s window), for names Whisper misspells.")
    num_speakers: int = Field(default=2, ge=1, le=10, description="Voices expected; 2 for a 1:1.")
    max_audio_seconds: float = Field(default=3 * 3600.0, gt=0, description="Longest recording.")
    max_audio_bytes: int = Field(default=500_000_000, ge=1, description="Largest audio upload.")
    # A stored voiceprint names the speaker whose voice is at least this cosine-similar to it
    # and `voiceprint_margin` more similar than any other speaker. Unset: the limits measured
    # for the encoder that made it (copilot.ingest.voiceprint.MATCH_LIMITS: CAM++ 0.60 / 0.20,
    # Resemblyzer 0.80 / 0.04). Below: roles stay unknown.
    voiceprint_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    voiceprint_margin: float | None = Field(default=None, ge=0.0, le=1.0)
    # A voice sample is 10-30 s of the manager alone; one cap for the CLI, the API and jobs.
    voice_sample_max_seconds: float = Field(default=600.0, gt=0, description="Longest voice "
                                            "sample enrolled as a voiceprint.")
    # Silero VAD for diarization and voice embeddings: short pauses are kept as boundaries
    # (turn changes), and noise between words stays out of the voice embeddings.
    diarize_vad_threshold: float = Field(
        default=0.5, ge=0.0, le=1.0,
        description="Speech probability above which a 32 ms frame is speech (diarization).")
    diarize_vad_min_speech_ms: int = Field(
        default=150, ge=0, le=10_000,
        description="Speech regions shorter than this are ignored by diarization.")
    diarize_vad_min_silence_ms: int = Field(
        default=250, ge=0, le=10_000,
        description="A pause this long splits speech regions (where turns usually change).")
    diarize_vad_speech_pad_ms: int = Field(
        default=50, ge=0, le=2_000, description="Audio kept each side of a speech region.")
    # v1 (COPILOT_DIARIZER=resemblyzer) clustering windows: a voice is embedded on
    # `diarize_window_seconds` of speech every
    # `diarize_hop_seconds`; a region shorter than `diarize_min_window_seconds` (a lone "oui")
    # is widened to it. Resemblyzer needs about half a second to say anything about a voice.
    diarize_window_seconds: float = Field(
        default=1.5, ge=0.5, le=10.0, description="Length of a voice embedding window.")
    diarize_hop_seconds: float = Field(
        default=0.5, gt=0.0, le=10.0, description="Step between voice embedding windows.")
    diarize_min_window_seconds: float = Field(
        default=0.5, ge=0.2, le=10.0,
        description="Shortest window; a shorter speech region is widened to it.")
    # In vote x seconds: a switch inside continuous speech needs that much evidence (0.1 = 0.2 s
    # where the windows vote 3 to 1); across a pause it costs a fifth of it.
    diarize_switch_penalty: float = Field(
        default=0.1, ge=0.0, le=10.0,
        description="Evidence a speaker change needs; higher = fewer, longer turns.")
    # v2 (default): pyannote segmentation-3.0 + CAM++ (copilot.ingest.diarize_v2); v1: Silero VAD +
    # Resemblyzer, kept for comparison (eval.audio measures both).
    diarizer: Literal["segmentation", "resemblyzer"] = Field(
        default="segmentation", description="Diarization pipeline: 'segmentation' (v2) or "
        "'resemblyzer' (v1).")
    # Two CAM++ clusters whose windows are, across, this share as alike as within are one
    # voice (a monologue); measured: monologues 0.71-0.88, two voices 0.41-0.62.
    diarize_single_speaker_ratio: float = Field(
        default=0.67, ge=0.0, le=1.0,
        description="Across/within voice similarity above which two voices are one speaker.")
