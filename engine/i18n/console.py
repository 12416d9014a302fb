"""Own the web console's words in French, by their English words (the console's templates say
``{{ _("Inbox") }}``; ``engine.web.console.text`` looks the French up here). A template's text
missing here fails ``tests/i18n/test_console_words.py``."""

from __future__ import annotations

__all__ = ["CONSOLE"]

CONSOLE: dict[str, str] = {
    # --- the frame and log-in ----------------------------------------------------------------
    "Skip to the content": "Aller au contenu",
    "Console": "Console",
    "Inbox": "Boîte de réception",
    "Archive": "Archives",
    "admin": "administrateur",
    "Log out": "Se déconnecter",
    "Log in": "Se connecter",
    "Name": "Nom",
    "Password": "Mot de passe",
    "or": "ou",
    "API token": "Jeton d'API",
    # --- notices -----------------------------------------------------------------------------
    "Your reply is on its way.": "Votre réponse est en route.",
    "The thread is yours.": "Le fil vous est attribué.",
    "The thread is closed.": "Le fil est clos.",
    "The conversation is back with the rules.": "La conversation est rendue aux règles.",
    "This contact opted out of this number: no message can go to them.": (
        "Ce contact s'est désinscrit de ce numéro : aucun message ne peut lui être envoyé."
    ),
    "This thread is closed: nothing more can be done in it.": (
        "Ce fil est clos : on ne peut plus rien y faire."
    ),
    "Write something first.": "Écrivez d'abord quelque chose.",
    "This text cannot go as one reply": "Ce texte ne peut pas partir en une seule réponse",
    "Wrong name, password or token.": "Nom, mot de passe ou jeton incorrect.",
    "This log-in link was used already, or is not one of this engine's.": (
        "Ce lien de connexion a déjà servi, ou n'est pas un lien de ce moteur."
    ),
    "You are logged out.": "Vous êtes déconnecté.",
    "Log in first.": "Connectez-vous d'abord.",
    "This form is out of date: reload the page and send it again.": (
        "Ce formulaire n'est plus à jour : rechargez la page et renvoyez-le."
    ),
    "The engine is not taking messages now (starting or stopping).": (
        "Le moteur ne prend pas de messages en ce moment (il démarre ou s'arrête)."
    ),
    # --- the inbox ---------------------------------------------------------------------------
    "every team": "toutes les équipes",
    "Every thread of %(phone)s in %(teams)s, newest first.": (
        "Tous les fils de %(phone)s dans %(teams)s, les plus récents d'abord."
    ),
    "The closed threads and those given back to the rules of %(teams)s, newest first.": (
        "Les fils clos et ceux rendus aux règles de %(teams)s, les plus récents d'abord."
    ),
    "The open and assigned threads of %(teams)s, newest first.": (
        "Les fils ouverts et attribués de %(teams)s, les plus récents d'abord."
    ),
    "Phone": "Téléphone",
    "Find": "Chercher",
    "All open threads": "Tous les fils ouverts",
    "Contact": "Contact",
    "Team": "Équipe",
    "Status": "État",
    "Unread": "Non lus",
    "Last change": "Dernier changement",
    "by %(who)s": "par %(who)s",
    "Nothing closed yet.": "Rien de clos pour l'instant.",
    "Nothing waiting for you.": "Rien ne vous attend.",
    # --- a thread ----------------------------------------------------------------------------
    "On %(number)s": "Sur %(number)s",
    "team %(team)s": "équipe %(team)s",
    "with %(who)s": "avec %(who)s",
    "Flow %(flow)s, state %(state)s": "Parcours %(flow)s, état %(state)s",
    "%(contact)s opted out of %(number)s: no message can go to them.": (
        "%(contact)s s'est désinscrit de %(number)s : aucun message ne peut lui être envoyé."
    ),
    "Reply": "Répondre",
    "Send": "Envoyer",
    "Assign to me": "Me l'attribuer",
    "Close": "Clore",
    "Give back to the rules": "Rendre aux règles",
    "%(characters)s characters · %(parts)s SMS (%(encoding)s)": (
        "%(characters)s caractères · %(parts)s SMS (%(encoding)s)"
    ),
    # --- statuses and kinds, as the store names them -----------------------------------------
    "open": "ouvert",
    "assigned": "attribué",
    "closed": "clos",
    "released": "rendu aux règles",
    "handoff": "transfert",
    "unmatched": "sans règle",
    "received": "reçu",
    "queued": "en file",
    "sending": "en envoi",
    "sent": "envoyé",
    "delivered": "remis",
    "failed": "échec",
    "expired": "expiré",
    "suppressed": "supprimé",
    "rejected": "refusé",
}
