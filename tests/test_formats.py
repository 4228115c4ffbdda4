"""Input parsers: every format and the ways users get it wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.errors import InputError, UnsupportedFormat
from copilot.ingest.formats import decode_text, is_audio_path, parse_text, read_file
from copilot.ingest.language import detect_language

DATA = Path(__file__).parent / "data" / "formats"


def rows(transcript):
    return [(u.id, u.speaker, u.start, u.end, u.text) for u in transcript.utterances]


# --- decoding -------------------------------------------------------------------------------


def test_decode_utf8_with_bom_and_crlf():
    assert decode_text(b"\xef\xbb\xbfClaire: h\xc3\xa9\r\nMarc: oui\rfin") == (
        "Claire: hé\nMarc: oui\nfin"
    )


def test_decode_utf16_with_bom():
    assert decode_text("Claire : ça va\r\n".encode("utf-16")) == "Claire : ça va\n"


def test_decode_latin1_and_cp1252_fallback():
    assert decode_text(b"Tr\xe8s bien, \xe7a va") == "Très bien, ça va"
    assert decode_text(b"l\x92\xe9quipe") == "l’équipe"  # 0x92 is cp1252's apostrophe


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n"])
def test_decode_empty_input_is_an_error_with_hint(data):
    with pytest.raises(InputError) as err:
        decode_text(data)
    assert "empty" in err.value.message
    assert err.value.hint


@pytest.mark.parametrize("data", [b"PK\x03\x04\x00\x00abc", bytes(range(1, 9)) * 50 + b"text"])
def test_decode_binary_input_is_an_error(data):
    with pytest.raises(InputError) as err:
        decode_text(data)
    assert "binary" in err.value.message
    assert ".vtt" in err.value.hint


# --- speaker-labelled text ------------------------------------------------------------------


def test_timestamp_styles_before_and_after_the_name():
    text = (
        "[00:01:05] Claire: Bonjour Marc.\n"
        "Marc (01:10): Bonjour.\n"
        "Claire [00:01:20]: Comment ça va ?\n"
        "(1:30) Marc: Bien.\n"
        "Claire: [00:01:40] Tant mieux pour toi.\n"
    )
    t = parse_text(text)
    assert t.source_format == "text"
    assert t.has_speakers is True
    assert rows(t) == [
        (1, "Claire", 65.0, 70.0, "Bonjour Marc."),
        (2, "Marc", 70.0, 80.0, "Bonjour."),
        (3, "Claire", 80.0, 90.0, "Comment ça va ?"),
        (4, "Marc", 90.0, 100.0, "Bien."),
        # last turn: 4 words at 2.5 words per second
        (5, "Claire", 100.0, 101.6, "Tant mieux pour toi."),
    ]


def test_multi_line_turns_blank_lines_and_no_timestamps():
    text = "Claire: Bonjour.\nComment   vas-tu ?\n\n\n\nMarc: Bien.\n  Et toi ?\n"
    t = parse_text(text)
    assert rows(t) == [
        (1, "Claire", None, None, "Bonjour. Comment vas-tu ?"),
        (2, "Marc", None, None, "Bien. Et toi ?"),
    ]
    assert t.speakers == ["Claire", "Marc"]


def test_french_space_before_colon_including_narrow_nbsp():
    t = parse_text("Claire : Salut.\nMarc\u202f: Salut Claire.\nClaire : On commence ?")
    assert [(u.speaker, u.text) for u in t.utterances] == [
        ("Claire", "Salut."),
        ("Marc", "Salut Claire."),
        ("Claire", "On commence ?"),
    ]
    assert t.language == "fr"


@pytest.mark.parametrize(
    "name", ["Jean-Marc", "Dr. Smith", "Speaker 1", "SPEAKER_00", "Éloïse", "Marie de La Tour"]
)
def test_speaker_names(name):
    t = parse_text(f"{name}: Hello there.\nBob: Hi.\n{name}: How are you?")
    assert t.speakers == [name, "Bob"]


def test_markdown_bold_names_and_title_line():
    t = parse_text("# Transcript 1:1\n**Claire:** Hello.\n**Bob:** Hi.\nClaire: Ready?")
    assert rows(t)[0] == (1, None, None, None, "Transcript 1:1")
    assert [(u.speaker, u.text) for u in t.utterances[1:]] == [
        ("Claire", "Hello."),
        ("Bob", "Hi."),
        ("Claire", "Ready?"),
    ]


def test_heading_line_inside_a_transcript_has_no_speaker():
    t = parse_text("Claire: Salut.\nMarc: Salut.\nAction : envoyer le plan\nClaire: Merci.")
    assert [(u.speaker, u.text) for u in t.utterances] == [
        ("Claire", "Salut."),
        ("Marc", "Salut."),
        (None, "Action : envoyer le plan"),
        ("Claire", "Merci."),
    ]


def test_times_and_urls_are_not_speakers():
    t = parse_text("Claire: rendez-vous à 10:30.\nMarc: voir https://example.com/plan ok")
    assert rows(t) == [
        (1, "Claire", None, None, "rendez-vous à 10:30."),
        (2, "Marc", None, None, "voir https://example.com/plan ok"),
    ]


# --- free notes -----------------------------------------------------------------------------


def test_markdown_notes_with_checkboxes_and_action_lines():
    t = read_file(DATA / "notes.md")
    assert t.source_format == "notes"
    assert t.has_speakers is False
    assert t.language == "fr"
    assert all(u.speaker is None and u.role is None and u.start is None for u in t.utterances)
    assert [u.id for u in t.utterances] == list(range(1, 14))
    assert [u.text for u in t.utterances] == [
        "1:1 Marc — 12 mars",
        "Points",
        "Charge de travail élevée sur le projet Atlas",
        "Moral : correct",
        "Formation management demandée",
        "Actions",
        "Claire: envoyer le plan de formation",
        "Marc: partager le planning",
        "Action: relancer les RH",
        "TODO: réserver une salle",
        # the long paragraph is split into sentences, but not after "M."
        "Marc explique que le planning du projet Atlas est trop serré depuis le départ de Julie.",
        "M. Durand a proposé de l'aide.",
        "Il faudra revoir les priorités avec l'équipe produit avant la fin du mois !",
    ]


def test_notes_whose_only_labels_are_headings():
    text = "Action: envoyer le plan\nTODO: relancer RH\nDécision : on décale\nNext steps: review"
    t = parse_text(text, filename="notes.txt")
    assert t.source_format == "notes"
    assert [u.text for u in t.utterances] == text.split("\n")


def test_key_value_notes_and_prose_are_not_dialogue():
    assert parse_text("Budget: validé\nMoral: bon\nCharge: haute").source_format == "notes"
    # lower-case words, more than 4 words: labels, not names
    prose = "Le point clé: la charge.\nLa Suite Du Plan Global: ok\nrappel important: RH"
    t = parse_text(prose)
    assert (t.source_format, t.has_speakers) == ("notes", False)
    assert t.utterances[1].text == "La Suite Du Plan Global: ok"


def test_a_single_turn_is_notes():
    t = parse_text("Claire: trop de réunions cette semaine.\nÀ revoir ensemble.")
    assert t.source_format == "notes"
    assert [u.text for u in t.utterances] == [
        "Claire: trop de réunions cette semaine.",
        "À revoir ensemble.",
    ]


# --- WebVTT ---------------------------------------------------------------------------------


def test_teams_vtt_voice_tags_merge_and_tag_stripping():
    t = read_file(DATA / "teams.vtt")
    assert t.source_format == "vtt"
    assert rows(t) == [
        # two cues 0.3 s apart: one turn
        (
            1,
            "Claire Dupont",
            1.0,
            6.0,
            "Bonjour Marc, on fait le point sur ton projet & tes envies ?",
        ),
        (2, "Marc Leroy", 6.5, 9.0, "Oui, avec plaisir. Le planning est serré."),
        (3, "Claire Dupont", 9.2, 11.0, "D'accord."),
        # 2 s after the previous cue: a new utterance
        (4, "Claire Dupont", 13.0, 15.0, "Qu'est-ce qui bloque ?"),
    ]


def test_zoom_vtt_name_prefix_crlf_and_short_timings():
    t = read_file(DATA / "zoom.vtt")
    assert t.language == "en"
    assert rows(t) == [
        (1, "Alice Martin", 0.0, 4.2, "Hi Bob, thanks for joining."),
        (2, "Bob", 4.5, 9.0, "Sure. I wanted to talk about the release plan. It is late."),
        (3, "Alice Martin", 3609.5, 3612.0, "What would help?"),
    ]


def test_vtt_without_speakers_is_sniffed_and_not_merged():
    text = "1\n00:00:01.000 --> 00:00:02.000\nHello there.\n\n2\n00:00:02.100 --> 00:00:03.000\nHi."
    t = parse_text(text)
    assert t.source_format == "vtt"
    assert t.has_speakers is False
    assert rows(t) == [(1, None, 1.0, 2.0, "Hello there."), (2, None, 2.1, 3.0, "Hi.")]


def test_vtt_with_no_text_is_an_error():
    with pytest.raises(InputError) as err:
        parse_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n", filename="x.vtt")
    assert "WebVTT" in err.value.message


# --- SRT ------------------------------------------------------------------------------------


def test_srt_speaker_styles_and_sound_tags():
    t = read_file(DATA / "meeting.srt")
    assert t.source_format == "srt"
    assert rows(t) == [
        (1, "Claire", 1.0, 4.0, "Bonjour Marc."),
        (2, "Marc", 4.5, 6.0, "Bonjour Claire."),
        (3, "Marc", 8.1, 10.0, "Je voulais parler de ma charge de travail."),
        (4, "Claire", 8.1, 10.0, "Vas-y."),
    ]


def test_srt_without_speakers_by_content():
    text = (
        "1\n00:00:01,000 --> 00:00:04,000\n<i>Hello</i>\nworld\n\n"
        "2\n00:00:04,500 --> 00:00:05,000\nBye"
    )
    t = parse_text(text)
    assert t.source_format == "srt"
    assert rows(t) == [(1, None, 1.0, 4.0, "Hello world"), (2, None, 4.5, 5.0, "Bye")]


def test_srt_with_no_text_is_an_error():
    with pytest.raises(InputError, match="SRT"):
        parse_text("1\n00:00:01,000 --> 00:00:04,000\n", filename="a.srt")


# --- JSON -----------------------------------------------------------------------------------


def test_json_list_with_numbers():
    items = [
        {"speaker": "Claire", "start": 0, "end": 2.5, "text": "Hi"},
        {"name": "Bob", "text": "Yo"},
    ]
    text = json.dumps(items)
    t = parse_text(text, filename="x.json")
    assert t.source_format == "json"
    assert rows(t) == [(1, "Claire", 0.0, 2.5, "Hi"), (2, "Bob", None, None, "Yo")]


def test_json_segments_with_name_key_and_clock_strings():
    t = read_file(DATA / "segments.json")
    assert rows(t) == [
        (1, "Claire", 1.0, 4.5, "Bonjour Marc."),
        (2, "Marc", 4.5, 7.0, "Bonjour Claire, ça va."),
        (3, "Claire", None, None, "On commence ?"),  # the empty segment is dropped
    ]


def test_json_utterances_key_sniffed_by_content():
    t = parse_text('{"utterances": [{"text": "Notes only"}]}')
    assert t.source_format == "json"
    assert t.has_speakers is False
    assert rows(t) == [(1, None, None, None, "Notes only")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"speaker": "A",', "invalid JSON"),
        ('{"items": []}', "'utterances' or 'segments'"),
        ('"hello"', "must be a list"),
        ('["hello"]', "item 1 is a str"),
        ('[{"text": "a"}, {"speaker": "B"}]', "item 2 has no 'text'"),
        ('[{"text": "a", "start": "soon"}]', "invalid 'start'"),
        ('[{"text": "  "}]', "no utterance with text"),
    ],
)
def test_json_errors_name_the_problem(text, expected):
    with pytest.raises(InputError) as err:
        parse_text(text, filename="t.json")
    assert expected in err.value.message
    assert err.value.hint


def test_text_starting_with_a_bracket_timestamp_is_not_json():
    t = parse_text("[00:00:01] Claire: Hi.\n[00:00:03] Bob: Hello.")
    assert t.source_format == "text"
    assert rows(t)[1] == (2, "Bob", 3.0, 3.4, "Hello.")


# --- read_file ------------------------------------------------------------------------------


def test_read_latin1_file(tmp_path):
    t = read_file(DATA / "latin1.txt")
    assert rows(t) == [
        (1, "Claire", None, None, "Bonjour Marc, comment ça va ?"),
        (2, "Marc", None, None, "Très bien, merci."),
    ]


def test_read_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError) as err:
        read_file(tmp_path / "nope.txt")
    assert err.value.hint == "check the path"
    with pytest.raises(InputError, match="directory"):
        read_file(tmp_path)


def test_read_too_big_file(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Claire: hello\nBob: hi\n")
    with pytest.raises(InputError, match="too big") as err:
        read_file(path, max_bytes=10)
    assert err.value.hint


@pytest.mark.parametrize("name", ["call.mp3", "call.M4A", "rec.wav", "meet.mp4", "x.webm"])
def test_recordings_are_not_parsed_as_text(tmp_path, name):
    # The pipeline sends them to the transcriber (tests/test_audio_pipeline.py).
    path = tmp_path / name
    path.write_bytes(b"\x00" * 16)
    assert is_audio_path(path)
    with pytest.raises(UnsupportedFormat, match="is a recording, not a text transcript"):
        read_file(path)


def test_binary_documents_are_unsupported(tmp_path):
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(UnsupportedFormat) as err:
        read_file(pdf)
    assert ".vtt" in err.value.hint and ".json" in err.value.hint
    disguised = tmp_path / "image.txt"
    disguised.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    with pytest.raises(UnsupportedFormat):
        read_file(disguised)
    assert not is_audio_path(pdf)


def test_read_file_errors_name_the_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"\xef\xbb\xbf  \n")
    with pytest.raises(InputError) as err:
        read_file(path)
    assert err.value.message == "empty.txt: the input is empty"


def test_empty_text_is_an_error():
    with pytest.raises(InputError, match="empty"):
        parse_text(" \n\n ")


# --- language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Bonjour, comment ça va ?", "fr"),
        ("On fait le point demain.", "fr"),
        ("D'accord, j'envoie l'ordre du jour.", "fr"),
        ("How are you doing?", "en"),
        ("Let's sync tomorrow, it's fine.", "en"),
        ("", "en"),
        ("OK", "en"),
    ],
)
def test_detect_language_short_texts(text, lang):
    assert detect_language(text) == lang


def test_detect_language_long_and_mixed_texts():
    fr = "Je pense que le projet avance bien, mais il faut revoir le planning avec l'équipe. " * 20
    en = "I think that the project is on track, but we have to review the plan with the team. " * 20
    assert detect_language(fr) == "fr"
    assert detect_language(en) == "en"
    assert detect_language(fr + en[:300]) == "fr"
    assert detect_language("Je pense que the plan is good and we should ship it.") == "en"


def test_auto_forced_and_invalid_lang(tmp_path):
    text = "Claire: Bonjour, on fait le point ?\nMarc: Oui, je suis prêt."
    auto = parse_text(text)
    assert (auto.language, auto.language_detected) == ("fr", True)
    forced = parse_text(text, lang="en")
    assert (forced.language, forced.language_detected) == ("en", False)
    with pytest.raises(InputError) as err:
        parse_text(text, lang="de")
    assert "'de'" in err.value.message and "auto" in err.value.hint
    with pytest.raises(InputError):
        read_file(DATA / "notes.md", lang="french")
