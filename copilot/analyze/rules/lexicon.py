"""Word lists behind the feedback rules, French and English, folded (lower case, no accents).

Each list is a class of words, not a list of examples: a word belongs here because of what it
does in any sentence (a trait judges the person, an insult shows contempt, an event verb
reports something that happened), so the rules built on them generalise beyond the sentences
they were checked on. Entries are regex fragments; `alt()` joins them.
"""

from __future__ import annotations


def alt(words: str) -> str:
    """"a, b, c d" -> "(?:a|b|c d)"; entries are stripped, empty ones dropped."""
    return "(?:" + "|".join(w.strip() for w in words.split(",") if w.strip()) + ")"


# Character judgements about the listener ("tu es ___", "you're ___").
NEG_TRAITS = alt(
    "desorganisee?, paresseu(?:x|se), faineante?, nul(?:le)?, incompetente?, lente?, "
    "brouillon(?:ne)?,"
    "negligente?, irresponsable, penible, arrogante?, egoiste, immature, incapable, bordelique,"
    "distraite?, tetue?, agressi(?:f|ve), susceptible, negati(?:f|ve), passi(?:f|ve), mou, molle,"
    "bete, idiote?, stupide, ingerable, insupportable, lourde?, je-m'en-foutiste, feignante?,"
    "debile, ridicule, pathetique, minable, lamentable, naze, mediocre, inutile, inefficace,"
    "a cote de la plaque, a l'ouest, a la ramasse, largue(?:e)?, hypocrite, menteu(?:r|se),"
    "pas fiable, pas serieu(?:x|se), pas rigoureu(?:x|se), pas autonome, pas a la hauteur,"
    "pas fait pour, pas faite pour, pas professionnel(?:le)?, pas organisee?, jamais content,"
    "trop (?:lente?|susceptible|emoti(?:f|ve)|sensible|lente?|bavarde?|negati(?:f|ve)),"
    "lazy, sloppy, disorgani[sz]ed, careless, incompetent, useless, unreliable, hopeless, stupid,"
    "slow, arrogant, selfish, immature, negative, clueless, unprofessional, rude, annoying,"
    "a mess, not a team player, not reliable, not serious, dumb, pathetic, evil, impossible,"
    "too emotional, too sensitive, difficult to work with, a problem, the problem, an idiot,"
    "lame, worthless, irresponsible, unbearable, a disaster, a liability, a joke, hopeless with,"
    "not cut out for, not up to (?:it|the job|this), out of your depth, a lost cause, bossy,"
    "aggressive, passive, defensive, stubborn, dishonest, a liar, so slow, useless at,"
    "terrible at, bad at, nul en, nulle en, incapable de, unable to do anything"
)
POS_TRAITS = alt(
    "brillante?, geniale?, douee?, intelligente?, exceptionnel(?:le)?, formidable, une star,"
    "un genie, une perle, un crack, incroyable, la meilleure?, le meilleur, parfaite?, fiable,"
    "quelqu'un de (?:formidable|fiable|bien|genial|brillant|exceptionnel|super|precieux),"
    "trop forte?, tres forte?, super forte?, tellement forte?, un modele, une bosseuse, un bosseur,"
    "le pilier, la pilier, un pilier, un vrai leader, une vraie leader, un leader ne,"
    "une leader nee, nee? pour, faite? pour ce, talentueu(?:x|se), un as, une crack, surdouee?,"
    "brilliant, a genius, a star, amazing, so smart, a natural, talented, gifted, the best,"
    "a rock ?star, awesome, incredible, perfect, a superstar, the heart of, a born, so reliable,"
    "one of the (?:best|smartest|brightest|most talented), the (?:smartest|brightest|most creative"
    "|most talented|most reliable), a natural leader, a gem, a legend, a machine, so talented,"
    "such a gifted, such a talented, a great (?:person|leader|manager), smart, clever, reliable"
)
# Name-calling: nouns that label a person.
NEG_LABELS = alt(
    "boulet, imbecile, cretin, amateur, glandeur, tire-au-flanc, bon a rien, catastrophe, gamin,"
    "gamine, idiot, clown, moron, loser, liar, joke, baby, child, menteur, menteuse, abruti(?:e)?,"
    "branquignol(?:e)?, guignol, incapable, nullite, zero, tocard(?:e)?, charlot, bouffon,"
    "fumiste, dilettante, slacker, clown, fool, jerk, amateur hour, disgrace, idiote, debile"
)
# Vocative nouns after a trait ("lazy boy", "sale gamin").
VOCATIVE_NOUNS = alt("boy, girl, guy, man, dude, kid, mec, garcon, gamin, gamine, mon vieux")
# Contempt: insults and profanity that say nothing about facts ("this is garbage", "c'est de
# la merde"). Aimed at the listener or their work they are an attack on the person.
CONTEMPT = alt(
    "shit, shitty, crap(?! out), crappy, garbage, trash, rubbish, junk, bullshit, wtf, fuck\\w*, "
    "stupid, idiotic, moronic, pathetic, braindead, brain-dead, laughable, ridiculous, nonsense,"
    "a joke, a disgrace, an embarrassment, merde, merdique, de la merde, a chier,"
    "torchon, n'importe quoi, debile, ridicule, pathetique, minable, lamentable, nullissime,"
    "foutage de gueule, connerie(?:s)?, bidon, foireu(?:x|se), pourrie?, une blague, une honte,"
    "honteu(?:x|se), grotesque, c'est nul, est nul, etait nul"
)
# Mocking vocatives that turn praise into sarcasm ("Nice job, genius").
MOCK_VOCATIVE = alt(
    "genius, einstein, sherlock, champ, champion, hero, rocket scientist, smart guy, le genie,"
    "champion, mon grand, ma grande, le heros, l'artiste, monsieur parfait, madame parfaite"
)
# Markers of repetition or lateness that, after praise, make it sarcasm.
AGAIN = alt(
    "again, once again, once more, as usual, as always, like always, for once, finally,"
    "at last, encore, encore une fois, une fois de plus, comme d'hab(?:itude)?, comme toujours,"
    "pour une fois, enfin, c'est tout toi"
)
# Interjections of praise that open a sarcastic sentence.
PRAISE_OPENERS = alt(
    "bravo, genial, super, parfait, magnifique, chapeau, felicitations, bien joue, merci, trop "
    "bien,"
    "great, nice, wonderful, brilliant, perfect, fantastic, awesome, wow, well done, nice job,"
    "good job, great job, nice one, nice work, thanks, thank you, lovely, terrific, excellent"
)
# Words for the listener's work, so "le rapport était en retard" is feedback without a "you".
WORK = alt(
    "rapport, livrable, presentation, doc, document, code, deck, slides?, release, demo, dossier,"
    "devis, mail, e-mail, email, compte-rendu, compte rendu, chiffres, analyse, annexe, specs?,"
    "planning, proposition, offre, reporting, tableau, fichier, note, synthese, report, "
    "deliverable,"
    "pull request, pr, review, proposal, draft, spreadsheet, numbers, analysis, deadline, delivery,"
    "livraison, reunion, meeting, call, appel, client, prospect, pitch, tests?, recette, forecast,"
    "build, commit, ticket, tickets, plaquette, commande, budget, migration, plan, handover, notes,"
    "guide, backlog, incident, escalation, escalade, onboarding, travail, boulot, work, job,"
    "projet, project, idee, idea, move, call, proposal, version, ticket, support"
)
