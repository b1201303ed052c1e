"""Interface strings in English and French, in one place; `t(key)` picks the request's language."""

from __future__ import annotations

from flask import g, request, session

__all__ = ["LANGUAGES", "CATALOGUE", "t", "choose_language"]

LANGUAGES = ("en", "fr")

CATALOGUE: dict[str, tuple[str, str]] = {
    # key: (English, French)
    "app.title": ("Citizens' assembly", "Assemblée citoyenne"),
    "nav.assemblies": ("Assemblies", "Assemblées"),
    "nav.audit": ("Audit log", "Journal d'audit"),
    "nav.login": ("Staff login", "Connexion équipe"),
    "nav.member": ("Member page", "Espace membre"),
    "nav.logout": ("Log out", "Se déconnecter"),
    "nav.signed_in": ("Signed in as", "Connecté·e en tant que"),
    "login.title": ("Staff login", "Connexion de l'équipe"),
    "login.username": ("Username", "Identifiant"),
    "login.password": ("Password", "Mot de passe"),
    "login.submit": ("Log in", "Se connecter"),
    "login.failed": ("Wrong username or password.", "Identifiant ou mot de passe incorrect."),
    "login.limited": ("Too many failed attempts. Try again in 15 minutes.", "Trop d'essais manqués. Réessayez dans 15 minutes."),
    "code.title": ("Member page", "Espace membre"),
    "code.prompt": ("Enter the code printed on your card.", "Saisissez le code imprimé sur votre carte."),
    "code.label": ("Your code", "Votre code"),
    "code.submit": ("Open my page", "Ouvrir mon espace"),
    "code.failed": ("This code is not valid.", "Ce code n'est pas valide."),
    "member.welcome": ("Welcome, member", "Bienvenue, membre"),
    "member.of": ("Member of", "Membre de"),
    "member.status": ("Your status", "Votre statut"),
    "member.features": ("Your profile in the draw", "Votre profil dans le tirage"),
    "assemblies.title": ("Assemblies", "Assemblées"),
    "assemblies.none": ("No assembly yet.", "Aucune assemblée pour l'instant."),
    "assemblies.new": ("Create an assembly from a draw", "Créer une assemblée à partir d'un tirage"),
    "assemblies.members": ("members", "membres"),
    "import.title": ("Create an assembly from a draw", "Créer une assemblée à partir d'un tirage"),
    "import.help": (
        "Upload the files written by “sortition select” and the features file used for the draw.",
        "Déposez les fichiers écrits par « sortition select » et le fichier des critères utilisé pour le tirage.",
    ),
    "import.name": ("Name of the assembly", "Nom de l'assemblée"),
    "import.id_column": ("Id column", "Colonne d'identifiant"),
    "import.selected": ("selected.csv (the panel)", "selected.csv (le panel)"),
    "import.remaining": ("remaining.csv (the rest of the pool)", "remaining.csv (le reste du vivier)"),
    "import.features": ("features.csv (features and quotas)", "features.csv (critères et quotas)"),
    "import.audit": ("audit.json (optional)", "audit.json (facultatif)"),
    "import.submit": ("Create the assembly", "Créer l'assemblée"),
    "import.rejected": ("The draw was not imported:", "Le tirage n'a pas été importé :"),
    "roster.title": ("Roster", "Liste des membres"),
    "roster.draw": ("Draw", "Tirage"),
    "roster.no_audit": ("no audit bundle", "pas de dossier d'audit"),
    "roster.person": ("Id", "Identifiant"),
    "roster.status": ("Status", "Statut"),
    "roster.actions": ("Actions", "Actions"),
    "roster.withdraw": ("Withdraw", "Retrait"),
    "roster.codes": ("Issue new voting codes", "Émettre de nouveaux codes de vote"),
    "roster.codes_help": (
        "Every active member gets a new code; earlier codes stop working. Print the cards at once: codes are shown only once.",
        "Chaque membre actif reçoit un nouveau code ; les anciens cessent de fonctionner. Imprimez les cartes tout de suite : les codes ne sont affichés qu'une fois.",
    ),
    "roster.remaining": ("Remaining pool", "Reste du vivier"),
    "roster.seat": ("Seat", "Siège"),
    "roster.replace": ("Replace", "Remplacer"),
    "roster.back": ("Back to the roster", "Retour à la liste des membres"),
    "composition.caption": ("Panel composition against the quotas", "Composition du panel au regard des quotas"),
    "composition.feature": ("Feature", "Critère"),
    "composition.value": ("Value", "Valeur"),
    "composition.quota": ("Quota (min–max)", "Quota (min–max)"),
    "composition.before": ("Before", "Avant"),
    "composition.after": ("After", "Après"),
    "composition.legend": ("Rows outside their quota are marked in red.", "Les lignes hors quota sont marquées en rouge."),
    "replace.title": ("Replace withdrawn members", "Remplacer des membres retirés"),
    "replace.help": (
        "Replacements are drawn from the remaining pool with the fair algorithm of the draw, so that the panel meets the quotas again. The draw is made and recorded as soon as you submit: there is no preview to redraw until a result pleases.",
        "Les remplaçant·es sont tiré·es dans le reste du vivier avec l'algorithme équitable du tirage, pour que le panel respecte de nouveau les quotas. Le tirage est fait et enregistré dès l'envoi : pas d'aperçu qui permettrait de retirer au sort jusqu'à obtenir un résultat souhaité.",
    ),
    "replace.now": ("The panel now (active members)", "Le panel actuel (membres actifs)"),
    "replace.dropouts": ("Withdrawn members to replace (seat · id)", "Membres retirés à remplacer (siège · identifiant)"),
    "replace.seed": ("Seed (empty: a fresh random seed; either way it is recorded in the audit log)", "Graine (vide : une nouvelle graine aléatoire ; elle est consignée au journal d'audit)"),
    "replace.accept": ("Replace even if a quota cannot be met", "Remplacer même si un quota ne peut pas être respecté"),
    "replace.submit": ("Draw the replacements", "Tirer les remplaçant·es"),
    "replace.none": ("No withdrawn member is waiting for a replacement.", "Aucun membre retiré n'attend de remplaçant·e."),
    "replace.refused": ("No replacement was drawn:", "Aucun remplacement n'a été tiré :"),
    "replace.missed": ("No replacement meets every quota; the closest misses:", "Aucun remplacement ne respecte tous les quotas ; le plus proche manque :"),
    "replace.missed_help": (
        "Nothing was changed. Tick “Replace even if a quota cannot be met” to draw anyway.",
        "Rien n'a été modifié. Cochez « Remplacer même si un quota ne peut pas être respecté » pour tirer quand même.",
    ),
    "replaced.title": ("Replacements drawn", "Remplacements tirés"),
    "replaced.seed": ("Seed of the draw (in the audit log)", "Graine du tirage (au journal d'audit)"),
    "replaced.missed": ("The new panel misses these quotas:", "Le nouveau panel ne respecte pas ces quotas :"),
    "replaced.seat": ("Seat", "Siège"),
    "replaced.withdrawn": ("Withdrawn", "Retiré·e"),
    "replaced.newcomer": ("Replaced by", "Remplacé·e par"),
    "replaced.codes_help": ("Print these cards now: the codes are shown only once.", "Imprimez ces cartes maintenant : les codes ne sont affichés qu'une fois."),
    "status.active": ("active", "actif·ve"),
    "status.withdrawn": ("withdrawn", "retiré·e"),
    "status.replaced": ("replaced", "remplacé·e"),
    "status.remaining": ("in the remaining pool", "dans le reste du vivier"),
    "withdraw.title": ("Withdraw a member", "Retrait d'un membre"),
    "withdraw.date": ("Date", "Date"),
    "withdraw.reason": ("Reason", "Motif"),
    "withdraw.submit": ("Record the withdrawal", "Enregistrer le retrait"),
    "codes.title": ("Voting codes", "Codes de vote"),
    "codes.card": ("Your personal voting code", "Votre code de vote personnel"),
    "sessions.title": ("Sessions", "Sessions"),
    "sessions.session": ("Session", "Session"),
    "sessions.number": ("Number", "Numéro"),
    "sessions.date": ("Date", "Date"),
    "sessions.place": ("Place", "Lieu"),
    "sessions.is_online": ("Online (no place)", "En ligne (sans lieu)"),
    "sessions.online": ("online", "en ligne"),
    "sessions.agenda": ("Agenda", "Ordre du jour"),
    "sessions.present": ("Present", "Présent·es"),
    "sessions.none": ("No session yet.", "Aucune session pour l'instant."),
    "sessions.new": ("Plan a new session", "Prévoir une nouvelle session"),
    "sessions.edit": ("Edit the session and its agenda", "Modifier la session et son ordre du jour"),
    "sessions.all": ("All sessions", "Toutes les sessions"),
    "sessions.save": ("Save the session", "Enregistrer la session"),
    "sessions.refused": ("Nothing was saved:", "Rien n'a été enregistré :"),
    "agenda.help": (
        "Fill in one row per item; the order column sorts them. Empty a row's title and minutes to remove it.",
        "Une ligne par point ; la colonne d'ordre les trie. Videz le titre et la durée d'une ligne pour la retirer.",
    ),
    "agenda.order": ("Order", "Ordre"),
    "agenda.kind": ("Kind", "Type"),
    "agenda.item": ("Item", "Point"),
    "agenda.minutes": ("Minutes planned", "Minutes prévues"),
    "agenda.total": ("Total", "Total"),
    "agenda.row": ("Row", "Ligne"),
    "agenda.empty": ("The agenda is empty.", "L'ordre du jour est vide."),
    "agenda.plenary": ("Plenary", "Plénière"),
    "agenda.working_groups": ("Working groups", "Groupes de travail"),
    "agenda.hearing": ("Hearing", "Audition"),
    "agenda.vote": ("Vote", "Vote"),
    "audit.title": ("Audit log", "Journal d'audit"),
    "audit.when": ("When (UTC)", "Quand (UTC)"),
    "audit.who": ("Who", "Qui"),
    "audit.what": ("What", "Quoi"),
    "audit.before": ("Before", "Avant"),
    "audit.after": ("After", "Après"),
    "audit.empty": ("The log is empty.", "Le journal est vide."),
    "error.403": ("You are not allowed to do this.", "Vous n'avez pas le droit de faire cela."),
    "error.404": ("This page does not exist.", "Cette page n'existe pas."),
    "error.400": ("The form was stale or incomplete; reload the page and try again.", "Le formulaire était périmé ou incomplet ; rechargez la page et réessayez."),
    "error.413": ("The upload is too large (limit: {limit} MB).", "Le fichier envoyé est trop volumineux (limite : {limit} Mo)."),
    "error.429": ("Too many failed attempts. Try again in 15 minutes.", "Trop d'essais manqués. Réessayez dans 15 minutes."),
    "error.back": ("Back to the start page", "Retour à l'accueil"),
}


def choose_language() -> str:
    """?lang= (remembered in the session), else the browser's Accept-Language, else English."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="en")


def t(key: str, **values: object) -> str:
    english, french = CATALOGUE[key]
    text = french if g.get("lang") == "fr" else english
    return text.format(**values) if values else text
