"""The meeting types' templates: the sections each kind of individual meeting should cover.

Three types (`MeetingType`, `--type`): the weekly `one_on_one`, the `annual_review` (entretien
annuel d'évaluation: last year's results, next year's objectives) and the `career_review`
(entretien de parcours professionnel, art. L6315-1 Code du travail: skills, career, training,
wishes, VAE, bilan de compétences, CPF, conseil en évolution professionnelle; never an
evaluation). A section has an id, a title and cue phrases per language, and says whether it
is required (the career review's legal content is). The analysis checks coverage per section
(copilot.analyze.coverage); the agenda lists the sections (copilot.memory.agenda); the career
review's written record has one part per section (copilot.reports.record).

`check`: whether the analysis reports coverage for this type. The one-to-one's built-in
template is a reminder for its agenda, not a checklist: a weekly 1:1 that skips feedback is
not incomplete, so its `coverage` stays empty (the contract's "empty for one_on_one without
template") until an organisation configures one with `check = true`.

Per organisation: COPILOT_HOME/templates/<type>.toml edits the built-in template (read at each
use, so an edit counts at the next analysis):

    check = true                     # optional: report coverage for this type
    drop = ["bilan"]                 # optional: built-in sections to leave out
    [[sections]]                     # a known id edits that section, a new one is added
    id = "mobility"
    title_fr = "Mobilité interne et externe"
    cues_fr = ["mobilit*", "autre site", "changer d'equipe"]   # replace the built-in cues
    required = true

A cue matches at a word start of the folded text (lower case, no accents); a trailing `*`
lets the last word go on ("competenc*" matches "compétences"), otherwise the cue ends at a word
end. Cue lists favour precision: a section wrongly covered hides a missing legal topic.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from copilot.errors import InputError
from copilot.models import Language, MeetingType
from copilot.text import fold

LANGS = tuple(lang.value for lang in Language)


class Section(BaseModel):
    """One part of a meeting type's template."""

    id: str
    titles: dict[str, str] = Field(description="Title per language (fr, en).")
    cues: dict[str, list[str]] = Field(default_factory=dict,
                                       description="Cue phrases per language.")
    required: bool = False

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.id

    def matches(self, text: str, lang: str) -> bool:
        """Whether `text` (one utterance) says one of this section's cues in `lang`."""
        pattern = _pattern(tuple(self.cues.get(lang) or self.cues.get("en") or ()))
        return pattern is not None and pattern.search(fold(text)) is not None


class MeetingTemplate(BaseModel):
    type: MeetingType
    sections: list[Section]
    check: bool = Field(default=True, description="Report coverage for this type.")
    source: str = Field(default="built-in", description="built-in, or the override file.")


@lru_cache(maxsize=256)
def _pattern(cues: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = []
    for cue in cues:
        folded = fold(cue).strip()
        open_end = folded.endswith("*")
        words = folded.rstrip("*").split()
        if not words:
            continue
        body = r"\s+".join(re.escape(w) for w in words)
        parts.append(rf"\b{body}" + (r"\w*" if open_end else r"(?!\w)"))
    return re.compile("|".join(parts)) if parts else None


def _s(id: str, fr: str, en: str, cues_fr: list[str], cues_en: list[str],
       required: bool = False) -> Section:
    return Section(id=id, titles={"fr": fr, "en": en}, cues={"fr": cues_fr, "en": cues_en},
                   required=required)


# Shared by the annual and the career review: words about training.
_TRAINING_FR = ["formation*", "se former", "te former", "vous former", "me former", "un cours",
                "des cours", "certifiant*", "mooc", "montee en competence*", "apprendre"]
_TRAINING_EN = ["training*", "course*", "upskill*", "learn", "learning", "workshop*",
                "certification*"]

ONE_ON_ONE = [
    _s("how_are_you", "Comment ça va ?", "How are you?",
       ["comment ca va", "comment tu vas", "comment vas-tu", "comment tu te sens",
        "comment te sens-tu", "ta charge", "fatigu*", "stress*", "le moral"],
       ["how are you", "how are things", "how do you feel", "how are you feeling",
        "workload", "stress*", "tired"]),
    _s("report_topics", "Les sujets du collaborateur", "The report's topics",
       ["de quoi aimerais-tu", "de quoi veux-tu", "tu voulais parler", "tes sujets",
        "tu souhaites aborder", "tu voudrais aborder", "ton ordre du jour", "des points a"],
       ["what would you like to talk", "what do you want to discuss", "your topics",
        "you wanted to talk", "on your mind", "your agenda"]),
    _s("feedback", "Feedback", "Feedback",
       ["feedback", "un retour sur", "mon retour", "bravo", "tu as assure", "bien joue",
        "bon travail", "beau travail", "j'ai remarque", "felicit*"],
       ["feedback", "well done", "great job", "good job", "nice work", "i noticed",
        "congrat*"]),
    _s("development", "Développement et carrière", "Development and career",
       ["carriere", "evoluer", "evolution", "competence*", *_TRAINING_FR],
       ["career", "grow", "growth", "develop", "skills", *_TRAINING_EN]),
    _s("next_steps", "Prochaines étapes", "Next steps",
       ["prochaine etape*", "prochaines actions", "je m'engage", "pour la prochaine fois",
        "d'ici la prochaine", "on fait le point", "on se revoit", "on refait un point"],
       ["next step*", "action item*", "by next time", "before our next", "follow up",
        "let's meet again"]),
]

ANNUAL_REVIEW = [
    _s("objectives_review", "Objectifs de l'année écoulée et résultats",
       "Last year's objectives and results",
       ["objectif*", "resultat*", "atteint*", "taux d'atteinte", "bilan de l'annee",
        "l'annee ecoulee", "cette annee"],
       ["objective*", "goal*", "target*", "results", "achieved", "last year", "this year"],
       required=True),
    _s("achievements", "Réalisations", "Achievements",
       ["reussite*", "reussi", "fier", "fiere", "realisation*", "j'ai livre", "tu as livre",
        "succes", "tu as assure", "bravo"],
       ["achievement*", "proud", "success*", "accomplish*", "delivered", "well done"],
       required=True),
    _s("skills", "Compétences", "Skills",
       ["competence*", "savoir-faire", "points forts", "point fort", "axe* de progres",
        "axe* d'amelioration", "maitrise*"],
       ["skill*", "strength*", "areas for improvement", "area to improve", "expertise"]),
    _s("difficulties", "Difficultés rencontrées", "Difficulties",
       ["difficult*", "probleme*", "obstacle*", "bloqu*", "pas reussi", "complique*"],
       ["difficult*", "problem*", "obstacle*", "struggl*", "blocked", "hard time"]),
    _s("next_objectives", "Objectifs de l'année à venir", "Next year's objectives",
       ["l'annee prochaine", "annee a venir", "prochaine annee", "objectifs pour",
        "nouveaux objectifs", "nouvel objectif", "on fixe", "fixer des objectifs"],
       ["next year", "coming year", "new objective*", "new goal*", "goals for", "set goals"],
       required=True),
    _s("training", "Formation", "Training", _TRAINING_FR, _TRAINING_EN),
    _s("wishes", "Souhaits du collaborateur", "The employee's wishes",
       ["souhait*", "aimerais", "envie de", "j'ai envie", "voudrais", "aspiration*"],
       ["wish*", "would like", "i'd like", "aspiration*", "want to"]),
]

# The legal content of the entretien de parcours professionnel (L6315-1, as amended by loi
# n° 2025-989): every section is required; `career_topics_missing` lists those not covered.
CAREER_REVIEW = [
    _s("skills", "Compétences et qualifications", "Skills and qualifications",
       # In a career review "compétences" is always the person's: "quelles compétences
       # voudrais-tu développer ?" covers the section as much as "tes compétences".
       ["competence*", "savoir-faire", "qualification*", "diplome*", "certification*",
        "points forts"],
       ["skill*", "qualification*", "degree", "diploma", "certification*", "strengths"],
       required=True),
    _s("career_path", "Parcours et perspectives d'évolution professionnelle",
       "Career path and professional prospects",
       ["parcours", "evolution professionnelle", "evoluer", "perspective*", "carriere",
        "projet professionnel", "dans trois ans", "dans 3 ans", "dans cinq ans", "dans 5 ans",
        "te projeter", "vous projeter", "me projeter", "veux devenir", "voudrais devenir",
        "aimerais devenir", "souhaites devenir", "reconversion"],
       ["career", "career path", "prospects", "in three years", "in five years",
        "in 3 years", "in 5 years", "want to become", "like to become", "promotion"],
       required=True),
    _s("training", "Besoins de formation", "Training needs", _TRAINING_FR, _TRAINING_EN,
       required=True),
    _s("mobility", "Souhaits de mobilité", "Mobility wishes",
       ["mobilit*", "changer d'equipe", "changer de poste", "changer de service",
        "autre service", "autre equipe", "autre site", "demenag*", "a l'etranger", "mutation"],
       ["mobility", "move to another", "another team", "change teams", "relocat*",
        "internal transfer",
        "another office", "abroad"], required=True),
    _s("vae", "Validation des acquis de l'expérience (VAE)",
       "Validation of prior experience (VAE)",
       ["vae", "validation des acquis"],
       ["vae", "validation of prior", "accreditation of prior", "prior learning"],
       required=True),
    _s("bilan", "Bilan de compétences", "Skills assessment (bilan de compétences)",
       ["bilan de competences"],
       ["bilan de competences", "skills assessment", "career assessment"], required=True),
    _s("cpf", "Compte personnel de formation (CPF)", "Personal training account (CPF)",
       ["cpf", "compte personnel de formation", "mon compte formation", "moncompteformation",
        "abondement*"],
       ["cpf", "personal training account", "training account"], required=True),
    _s("cep", "Conseil en évolution professionnelle (CEP)",
       "Career development advice (CEP)",
       ["conseil en evolution professionnelle", "cep", "conseiller en evolution"],
       ["career development advice", "career advice service", "cep"], required=True),
]

BUILT_IN = {MeetingType.ONE_ON_ONE: ONE_ON_ONE, MeetingType.ANNUAL_REVIEW: ANNUAL_REVIEW,
            MeetingType.CAREER_REVIEW: CAREER_REVIEW}


def template_file(home: Path, meeting_type: MeetingType | str) -> Path:
    return Path(home) / "templates" / f"{MeetingType(meeting_type).value}.toml"


def template_for(meeting_type: MeetingType | str, home: Path | None = None) -> MeetingTemplate:
    """The template of `meeting_type`: the built-in one, edited by HOME/templates/<type>.toml
    when there is one (a file that cannot be used is an InputError naming it)."""
    kind = MeetingType(meeting_type)
    built_in = MeetingTemplate(type=kind, sections=BUILT_IN[kind],
                               check=kind != MeetingType.ONE_ON_ONE)
    path = template_file(home, kind) if home is not None else None
    if path is None or not path.is_file():
        return built_in
    return _override(built_in, _read(path), path)


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _bad(path, f"is not valid TOML ({exc})") from None
    except OSError as exc:
        raise _bad(path, f"cannot be read ({exc.strerror})") from None


def _bad(path: Path, what: str) -> InputError:
    return InputError(f"the meeting template {path} {what}",
                      "fix it (see copilot/meeting_types.py for the format) or remove it to "
                      "use the built-in template")


_TOP_KEYS = {"check", "drop", "sections"}
_SECTION_KEYS = {"id", "required", *(f"{p}_{lang}" for p in ("title", "cues") for lang in LANGS)}


def _override(base: MeetingTemplate, data: dict[str, Any], path: Path) -> MeetingTemplate:
    if unknown := sorted(set(data) - _TOP_KEYS):
        raise _bad(path, f"has unknown keys: {', '.join(unknown)} (known: check, drop, "
                   "sections)")
    check = data.get("check", base.check)
    drop = data.get("drop", [])
    if not isinstance(check, bool):
        raise _bad(path, "has `check` that is not true or false")
    if not isinstance(drop, list) or not all(isinstance(d, str) for d in drop):
        raise _bad(path, "has `drop` that is not a list of section ids")
    sections = {s.id: s for s in base.sections if s.id not in drop}
    raw = data.get("sections", [])
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise _bad(path, "has `sections` that is not a list of [[sections]] tables")
    for number, entry in enumerate(raw, 1):
        section = _section(entry, sections.get(str(entry.get("id"))), path, number)
        sections[section.id] = section
    if not sections:
        raise _bad(path, "leaves no section")
    return MeetingTemplate(type=base.type, sections=list(sections.values()), check=check,
                           source=str(path))


def _section(entry: dict[str, Any], known: Section | None, path: Path, number: int) -> Section:
    where = f"section {number}"
    if not isinstance(entry.get("id"), str) or not re.fullmatch(r"[a-z][a-z0-9_]*",
                                                                 entry["id"]):
        raise _bad(path, f"{where}: `id` must be lower-case letters, digits and _")
    if unknown := sorted(set(entry) - _SECTION_KEYS):
        raise _bad(path, f"{where} ({entry['id']}): unknown keys {', '.join(unknown)}")
    titles = dict(known.titles) if known else {}
    cues = dict(known.cues) if known else {}
    for lang in LANGS:
        if (title := entry.get(f"title_{lang}")) is not None:
            if not isinstance(title, str) or not title.strip():
                raise _bad(path, f"{where} ({entry['id']}): title_{lang} must be a text")
            titles[lang] = title.strip()
        if (said := entry.get(f"cues_{lang}")) is not None:
            if not isinstance(said, list) or not all(isinstance(c, str) and c.strip("* ")
                                                     for c in said):
                raise _bad(path, f"{where} ({entry['id']}): cues_{lang} must be a list of "
                           "phrases")
            cues[lang] = said
    if not titles:
        raise _bad(path, f"{where} ({entry['id']}): a new section needs title_fr or title_en")
    required = entry.get("required", known.required if known else False)
    if not isinstance(required, bool):
        raise _bad(path, f"{where} ({entry['id']}): `required` must be true or false")
    return Section(id=entry["id"], titles=titles, cues=cues, required=required)
