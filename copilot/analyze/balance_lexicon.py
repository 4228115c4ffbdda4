"""Cue words of the five kinds of talk of a 1:1 (copilot.analyze.balance), French and English.

Entries are regex fragments matched on folded text (lower case, no accents: what Whisper's
lower-case output folds to as well) at a word start; most are stems ("bloqu" = bloqué,
bloquant, bloque), which stand in for lemmas: the classifier then needs no spaCy model, so the
balance is the same whatever engine extracted the items. A word belongs to a list because of
what it is about in any sentence (a "formation" is development, a "bug" a problem), not
because it appeared in the eval's stretches. Phrases in NOT_CUES are removed first: "pas de
souci" is a backchannel, not a problem.
"""

from __future__ import annotations

import re

from copilot.models import Language, TalkKind


def _rx(words: str) -> re.Pattern[str]:
    """"a, b c" -> one pattern matching any entry at a word start."""
    parts = [w.strip() for w in words.split(",") if w.strip()]
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + ")")


_FR = {
    TalkKind.OPERATIONS: (
        "sprint, ticket, livr, deadline, echeance, planning, planifi, priori, avancement, "
        "statut, tache, dossier, projet, client, release, mise en prod, deploi, deploy, "
        "migration, version, roadmap, reunion, budget, devis, chiffre, reporting, kpi, "
        "backlog, jira, spec, cahier des charges, recette, tests?\\b, valid, calendrier, "
        "commande, factur, contrat, fournisseur, jalon, trimestre, pipeline, deal, "
        "revue de code, merge, fonctionnalite, feature, maquette, prototype, devis, stock, "
        "inventaire, process, procedure, audit, api\\b, serveur, base de donnees, lot\\b, "
        "etape, on en est ou, ou en es, point sur, avanc, reste a faire, chantier, tournee, "
        "rapport, slides?\\b, presentation, documentation, doc\\b, ordre du jour, appel d'offre"),
    TalkKind.PROBLEMS: (
        "probleme, souci, bloqu, blocage, bug, incident, retard, echec, echou, plant, panne, "
        "erreur, faute, plainte, se plaint, mecontent, rale, escalad, regression, cass, "
        "defaut, derap, difficulte, galer, complique, conflit, reproche, loupe, rate\\b, "
        "ratee?s?\\b, perdu, annul, rejet, refus, insatisf, mauvais, grave, crash, coince, "
        "n'avance pas, n'a pas marche, ne marche pas, ne fonctionne pas, pas tenu, "
        "pas respecte, hors delai, critiqu, pas a la hauteur, decu, deception, alerte, "
        "penalite, rappel a l'ordre, manque, oublie?\\b, en souffrance, casse-tete, crise, "
        "catastroph, desastre, fiasco, degrad, frein, obstacle, impasse, rework, reprendre tout"),
    TalkKind.SUCCESSES: (
        "bravo, felicit, merci pour, merci d'avoir, beau travail, bon travail, super travail, "
        "super boulot, beau boulot, excellent, reussi, reussite, succes, fier, fiere, ravie?, "
        "genial, bien joue, impressionn, salue, reconnaissance, remerci, bien marche, "
        "marche bien, s'est bien passe, s'est tres bien passe, objectif atteint, atteint, "
        "depasse, record, signe\\b, signee?\\b, gagne, victoire, retour positif, retours positifs, "
        "apprecie, chapeau, top\\b, nickel, du bon boulot, content du, contente du, "
        "content de ton, contente de ton, satisfait, satisfaite, a fait la difference, "
        "belle reussite, joli, une reference, cite en exemple, encens, positi(?:f|ve)s?\\b"),
    TalkKind.DEVELOPMENT: (
        "carriere, evolu, formation, former\\b, te former, competence, apprendre, apprentissage, "
        "monter en, progresser, progression, ambition, aspir, promotion, poste de, tech lead, "
        "lead technique, mentor, coach, certifi, cours\\b, conference, mobilite, parcours, "
        "projet professionnel, dans un an, dans deux ans, dans trois ans, a long terme, "
        "developpement, developper tes, cpf, bilan de competences, vae\\b, responsabilit, "
        "senior, envie de faire, interesse par, te vois, vois-tu, t'imagines, "
        "manager une equipe, encadr, management, prendre la parole, prise de parole, "
        "nouveau role, changer de poste, objectifs? professionnel, se specialiser, expertise, "
        "montee en competence, plan de developpement, entretien professionnel, potentiel"),
    TalkKind.WELLBEING: (
        "fatigu, epuis, stress, charge de travail, surcharg, debord, sommeil, dormi, vacances, "
        "conge, sante, malade, maladie, moral\\b, famille, enfant, bebe, demenag, vie perso, "
        "perso\\b, equilibre, week-end, comment tu vas, comment vas-tu, comment ca va, "
        "comment te sens, comment tu te sens, burn, anxi, angoiss, inquiet, pression, "
        "heures sup, le soir, tard le soir, motiv, teletravail, bien-etre, je me sens, "
        "tu te sens, ressens, ras-le-bol, a bout, craque, souffle, recuperer, pause\\b, "
        "arret maladie, medecin, naissance, mariage, deuil, horaires, ca va toi, "
        "trop de boulot, trop de travail, isole, ambiance, humeur, fille, fils\\b, mari\\b, "
        "femme\\b, conjoint, compagne?\\b, parents, pere\\b, mere\\b, rentree scolaire"),
}
_EN = {
    TalkKind.OPERATIONS: (
        "sprint, ticket, deliver, deadline, due date, planning, schedul, priorit, status, "
        "task, project, client, customer, release, ship, deploy, rollout, migration, version, "
        "roadmap, meeting, budget, quote\\b, numbers, reporting, kpi, backlog, jira, spec, "
        "requirement, test, validat, calendar, order\\b, invoice, contract, vendor, supplier, "
        "milestone, quarter, pipeline, deal, code review, pull request, merge, feature, "
        "mockup, prototype, inventory, process, procedure, audit, api\\b, server, database, "
        "update on, where are we, where do we stand, progress on, to do\\b, todo, "
        "report\\b, slides?\\b, deck\\b, presentation, documentation, docs\\b, agenda, "
        "estimate, standup, demo\\b, launch, integration, dashboard, workstream"),
    TalkKind.PROBLEMS: (
        "problem, issue, block, stuck, bug, incident, outage, delay, late\\b, behind schedule, "
        "fail, broke, crash, error, mistake, complain, unhappy, escalat, regression, defect, "
        "slipp, slip\\b, struggl, difficult, hard time, conflict, blame, "
        "miss(?:ed|es|ing)?\\b, lost\\b, lose, "
        "cancel, reject, refus, dissatisf, bad\\b, worse, serious, went wrong, goes wrong, "
        "doesn't work, didn't work, does not work, not working, fell through, fell apart, "
        "disappoint, concern, risk, penalt, rework, redo, drop the ball, dropped the ball, "
        "messed up, mess\\b, disaster, fiasco, setback, obstacle, frustrat, not good enough, "
        "below expectations, overdue, downtime, rollback, rolled back, churn, critic"),
    TalkKind.SUCCESSES: (
        "well done, great job, good job, great work, good work, nice work, congrat, "
        "thank you for, thanks for, excellent, succeed, success, proud, delighted, "
        "brilliant, impress, recogni, kudos, shout-out, shoutout, went well, went really well, "
        "worked well, works well, hit the target, hit our target, met the target, achiev, "
        "exceed, record\\b, signed, won\\b, win\\b, positive feedback, appreciat, "
        "great result, nailed, smooth, amazing, awesome, fantastic, happy with, "
        "pleased with, made a difference, praised, stellar, outstanding, milestone reached, "
        "positive\\b"),
    TalkKind.DEVELOPMENT: (
        "career, grow, growth, training, learn, skill, progress in, promotion, promoted, "
        "ambition, aspir, tech lead, team lead, mentor, coach, certif, course\\b, courses, "
        "conference, path\\b, long term, long-term, in a year, in two years, in five years, "
        "next role, next step in your, development, develop your, stretch, responsibilit, "
        "senior, interested in, see yourself, where do you want, want to go, lead a team, "
        "manage people, management track, public speaking, new role, change roles, "
        "specialis, specializ, expertise, workshop, upskill, goals for yourself, potential, "
        "staff engineer, principal engineer, job title, level up"),
    TalkKind.WELLBEING: (
        "tired, exhaust, stress, workload, overload, overwhelm, swamped, sleep, vacation, "
        "holiday, time off, pto\\b, health, sick, ill\\b, illness, morale, family, kids?\\b, "
        "child, baby, moving house, personal life, personal, balance, weekend, how are you, "
        "how are things, how do you feel, how are you feeling, how you feel, burn, anxi, "
        "worried, worry, pressure, overtime, evenings, late at night, motivat, remote work, "
        "wellbeing, well-being, i feel, you feel, feeling, fed up, exhausted, break\\b, "
        "recharge, doctor, wedding, funeral, hours\\b, lonely, isolated, mood, energy, "
        "daughter, son\\b, husband, wife, partner\\b, parents, father, mother"),
}
CUES: dict[Language, dict[TalkKind, re.Pattern[str]]] = {
    Language.FR: {kind: _rx(words) for kind, words in _FR.items()},
    Language.EN: {kind: _rx(words) for kind, words in _EN.items()},
}
# Said in passing, they are about nothing ("no problem" agrees, "thanks" closes a turn).
NOT_CUES: dict[Language, re.Pattern[str]] = {
    Language.FR: _rx("pas de (?:probleme|souci)s?, aucun (?:probleme|souci), sans (?:probleme|"
                     "souci), pas grave, pas de retard, aucun retard, sans retard, pas bloque, "
                     "merci de demander"),
    Language.EN: _rx("no problem, not a problem, no worries, no issue, not an issue, no issues, "
                     "no blockers?, nothing blocking, not blocked, no delay, on track, "
                     "thanks for asking"),
}
