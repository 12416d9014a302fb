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
    "The closed threads and those given back to the rules of %(teams)s, newest first.": (
        "Les fils clos et ceux rendus aux règles de %(teams)s, les plus récents d'abord."
    ),
    "The open and assigned threads of %(teams)s, newest first.": (
        "Les fils ouverts et attribués de %(teams)s, les plus récents d'abord."
    ),
    "Phone": "Téléphone",
    "Find": "Chercher",
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
    # --- finding threads, pages, the archive's export, notifications ------------------------
    "The threads found in %(teams)s, newest first.": (
        "Les fils trouvés dans %(teams)s, les plus récents d'abord."
    ),
    "Find threads": "Chercher des fils",
    "Text": "Texte",
    "All threads": "Tous les fils",
    "No thread found.": "Aucun fil trouvé.",
    "Pages": "Pages",
    "Newer": "Plus récents",
    "Older": "Plus anciens",
    "Export the archive:": "Exporter les archives :",
    "Tell me of new hand-offs": "Me prévenir des nouveaux transferts",
    "with a sound": "avec un son",
    "New hand-off": "Nouveau transfert",
    "Notifications are on.": "Les notifications sont activées.",
    "Notifications are blocked by the browser.": "Le navigateur bloque les notifications.",
    "Too many failed log-ins: wait %(minutes)s minutes, then try again.": (
        "Trop de connexions échouées : attendez %(minutes)s minutes, puis réessayez."
    ),
    # --- a thread's canned replies and story -------------------------------------------------
    "Messages": "Messages",
    "Canned reply": "Réponse toute prête",
    "Choose one": "Choisissez-en une",
    "Use": "Utiliser",
    "What happened": "Ce qui s'est passé",
    "Nothing recorded.": "Rien d'enregistré.",
    "%(what)s at %(time)s": "%(what)s à %(time)s",
    "In flow %(flow)s, waiting in state %(state)s": (
        "Dans le parcours %(flow)s, en attente à l'état %(state)s"
    ),
    "Flow %(flow)s ended, in state %(state)s": "Parcours %(flow)s terminé, à l'état %(state)s",
    "%(name)s is %(value)s": "%(name)s vaut %(value)s",
    "Event %(type)s": "Événement %(type)s",
    "Message received": "Message reçu",
    "Opted out with %(keyword)s": "Désinscription par %(keyword)s",
    "Sent a stop word again": "A renvoyé un mot d'arrêt",
    "Opted back in with %(keyword)s": "Réinscription par %(keyword)s",
    "Sent a start word while opted in": "A envoyé un mot de reprise sans être désinscrit",
    "Asked for help with %(keyword)s": "A demandé de l'aide par %(keyword)s",
    "Ignored: the contact opted out": "Ignoré : le contact s'est désinscrit",
    "Held for %(team)s": "Gardé pour %(team)s",
    "Answered aside in flow %(flow)s": "Réponse en aparté dans le parcours %(flow)s",
    "Read %(typed)s as %(keyword)s": "%(typed)s lu comme %(keyword)s",
    "Started flow %(flow)s in state %(state)s": ("Parcours %(flow)s commencé à l'état %(state)s"),
    "Entered state %(state)s": "Entré dans l'état %(state)s",
    "Flow %(flow)s ended in state %(state)s (%(reason)s)": (
        "Parcours %(flow)s terminé à l'état %(state)s (%(reason)s)"
    ),
    "Flow %(flow)s expired in state %(state)s": "Parcours %(flow)s expiré à l'état %(state)s",
    "Waited too long in state %(state)s": "Attente trop longue à l'état %(state)s",
    "No answer matched in state %(state)s": "Aucune réponse reconnue à l'état %(state)s",
    "Ran out of retries in state %(state)s": "Plus d'essais à l'état %(state)s",
    "Nothing answered the message": "Rien n'a répondu au message",
    "Handed to %(team)s": "Transféré à %(team)s",
    "Noted: %(text)s": "Noté : %(text)s",
    "A reply was not sent: the limit of %(limit)s replies was reached": (
        "Une réponse n'est pas partie : la limite de %(limit)s réponses est atteinte"
    ),
    "Added to the group %(group)s": "Ajouté au groupe %(group)s",
    "Removed from the group %(group)s": "Retiré du groupe %(group)s",
    "Voted %(choice)s in %(poll)s": "A voté %(choice)s à %(poll)s",
    "Changed the vote in %(poll)s from %(previous)s to %(choice)s": (
        "A changé son vote à %(poll)s de %(previous)s pour %(choice)s"
    ),
    "The vote %(choice)s in %(poll)s was not counted (%(reason)s)": (
        "Le vote %(choice)s à %(poll)s n'est pas compté (%(reason)s)"
    ),
    "Answered %(question)s of %(survey)s: %(value)s": (
        "A répondu à %(question)s de %(survey)s : %(value)s"
    ),
    "A rule could not run: %(message)s": "Une règle n'a pas pu s'exécuter : %(message)s",
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
    "undeliverable": "non distribuable",
}
