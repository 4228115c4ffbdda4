"""French conjugated forms back to the infinitive, for next-step actions ("tu m'envoies" ->
"envoyer"). A short irregular table plus ending rules; spoken 1:1s use a small set of verbs."""

from __future__ import annotations

_IRREGULAR = {
    "fais": "faire", "fait": "faire", "ferai": "faire", "prends": "prendre", "prendrai": "prendre",
    "mets": "mettre", "mettrai": "mettre", "vois": "voir", "verrai": "voir", "dis": "dire",
    "dirai": "dire", "écris": "écrire", "écrirai": "écrire", "reviens": "revenir",
    "reviendrai": "revenir", "tiens": "tenir", "tiendrai": "tenir", "vas": "aller", "vais": "aller",
    "irai": "aller", "préviens": "prévenir", "préviendrai": "prévenir", "relis": "relire",
    "lis": "lire", "transmets": "transmettre", "transmettrai": "transmettre", "remets": "remettre",
    "enverrai": "envoyer", "renverrai": "renvoyer", "inscris": "inscrire", "redis": "redire",
    "sais": "savoir", "dois": "devoir", "peux": "pouvoir", "pourrai": "pouvoir", "veux": "vouloir",
    "finis": "finir", "finirai": "finir", "choisis": "choisir", "réfléchis": "réfléchir",
    "fournis": "fournir", "remplis": "remplir", "définis": "définir", "établis": "établir",
    "obtiens": "obtenir", "obtiendrai": "obtenir", "soumets": "soumettre", "permets": "permettre",
    "rejoins": "rejoindre", "joins": "joindre", "rends": "rendre", "rendrai": "rendre",
    "descends": "descendre", "attends": "attendre", "reprends": "reprendre",
    "apprends": "apprendre",
    "suis": "suivre", "fais suivre": "faire suivre", "bats": "battre", "conduis": "conduire",
    "refait": "refaire", "revoit": "revoir", "voit": "voir", "reprend": "reprendre",
    "tient": "tenir", "redit": "redire", "dit": "dire", "produis": "produire",
    "traduis": "traduire", "construis": "construire", "relirai": "relire",
    # the recogniser's homophones of "envoie(s)" (see nextsteps._SOUNDS_LIKE)
    "envois": "envoyer", "renvois": "renvoyer", "envoit": "envoyer",
}


def to_infinitive(word: str) -> str:
    """Best-effort infinitive of a French verb form (already-infinitive forms pass through)."""
    w = word.lower()
    head, sep, tail = w.partition(" ")
    if sep:  # a set phrase: "fais un retour" -> "faire un retour", "mets à jour"
        return f"{to_infinitive(head)} {tail}"
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w.endswith(("er", "ir", "re", "oir")) and not w.endswith(("erai", "irai")):
        return w
    for suffix, repl in (("oies", "oyer"), ("oie", "oyer"), ("aies", "ayer"), ("aie", "ayer"),
                         ("elles", "eler"), ("elle", "eler"), ("ettes", "eter"), ("ette", "eter"),
                         ("erai", "er"), ("irai", "ir"), ("rai", "re"), ("es", "er"), ("e", "er"),
                         ("is", "ir")):
        if w.endswith(suffix):
            stem = w[: -len(suffix)] + repl
            # "complète" -> "compléter": the grave accent only exists in the conjugated stem.
            if "è" in stem[-5:] and not stem.endswith(("eler", "eter")):
                head, _, tail = stem.rpartition("è")
                stem = head + "é" + tail
            return stem
    return w
