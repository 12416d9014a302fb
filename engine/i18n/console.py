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
    # --- results ----------------------------------------------------------------------------
    "Results": "Résultats",
    "The polls, surveys and flows of the rules, then their campaigns.": (
        "Les sondages, enquêtes et parcours des règles, puis leurs campagnes."
    ),
    "The rules have no poll, survey, flow or campaign.": (
        "Les règles n'ont ni sondage, ni enquête, ni parcours, ni campagne."
    ),
    "Kind": "Type",
    "Title": "Titre",
    "poll": "sondage",
    "survey": "enquête",
    "flow": "parcours",
    "campaign": "campagne",
    "Download CSV": "Télécharger en CSV",
    "Download XLSX": "Télécharger en XLSX",
    "Poll": "Sondage",
    "Survey": "Enquête",
    "Flow": "Parcours",
    "Campaign": "Campagne",
    "Votes per choice": "Votes par choix",
    "Choice": "Choix",
    "Label": "Libellé",
    "Votes": "Votes",
    "none yet": "aucun pour l'instant",
    "%(voters)s voters; refused: %(second)s second votes, %(closed)s after it closed, "
    "%(early)s before it opened.": (
        "%(voters)s votants ; refusés : %(second)s seconds votes, %(closed)s après la clôture, "
        "%(early)s avant l'ouverture."
    ),
    "%(sessions)s sessions, %(rate)s%% completed.": "%(sessions)s sessions, %(rate)s %% terminées.",
    "Answers to %(question)s": "Réponses à %(question)s",
    "Started": "Commencé",
    "Completed": "Terminé",
    "Nobody has answered yet.": "Personne n'a encore répondu.",
    "The first %(shown)s sessions; the downloads have them all.": (
        "Les %(shown)s premières sessions ; les téléchargements les ont toutes."
    ),
    "%(started)s sessions started, %(active)s still active, %(handoffs)s handed to a person.": (
        "%(started)s sessions commencées, %(active)s encore actives, %(handoffs)s confiées à "
        "une personne."
    ),
    "How sessions ended": "Comment les sessions ont fini",
    "Its progress and controls": "Son avancement et ses commandes",
    "This campaign has not started: it has no results yet.": (
        "Cette campagne n'a pas commencé : elle n'a pas encore de résultats."
    ),
    # --- campaigns --------------------------------------------------------------------------
    "Campaigns": "Campagnes",
    "Every campaign of the rules, where it stands and how far it has gone.": (
        "Chaque campagne des règles, où elle en est et jusqu'où elle est allée."
    ),
    "Audience": "Public",
    "Progress": "Avancement",
    "Recipients started": "Destinataires commencés",
    "%(started)s of %(recipients)s started, %(sent)s sent": (
        "%(started)s sur %(recipients)s commencés, %(sent)s envoyés"
    ),
    "The rules have no campaign.": "Les règles n'ont aucune campagne.",
    "Its audience file cannot be read: %(why)s": "Son fichier de public est illisible : %(why)s",
    "Preview": "Aperçu",
    "Who would get it now and what they would read; nothing is sent.": (
        "Qui la recevrait maintenant et ce qu'ils liraient ; rien n'est envoyé."
    ),
    "Recipients": "Destinataires",
    "Left out: %(reason)s": "Écartés : %(reason)s",
    "SMS parts per message": "Parties SMS par message",
    "SMS parts in all": "Parties SMS en tout",
    "Messages in %(encoding)s": "Messages en %(encoding)s",
    "Recipients its flow sends nothing at its start": (
        "Destinataires à qui son parcours n'envoie rien au départ"
    ),
    "Messages per second": "Messages par seconde",
    "First message": "Premier message",
    "Last message, about": "Dernier message, environ",
    "Quiet hours": "Heures calmes",
    "none": "aucune",
    "What the first recipients would read": "Ce que liraient les premiers destinataires",
    "Start": "Démarrer",
    "Start this campaign now? It cannot be started again.": (
        "Démarrer cette campagne maintenant ? Elle ne pourra pas être redémarrée."
    ),
    "Cancel this campaign? Who has not had it gets nothing, and it cannot restart.": (
        "Annuler cette campagne ? Qui ne l'a pas reçue ne recevra rien, et elle ne pourra pas "
        "reprendre."
    ),
    "Pause": "Mettre en pause",
    "Resume": "Reprendre",
    "Cancel": "Annuler",
    "Only an admin may start, pause or cancel a campaign.": (
        "Seul un administrateur peut démarrer, mettre en pause ou annuler une campagne."
    ),
    "Status: %(status)s; started on %(at)s": "État : %(status)s ; démarrée le %(at)s",
    "last changed by %(who)s": "dernier changement par %(who)s",
    "ended on %(at)s": "finie le %(at)s",
    "Waiting for their time": "En attente de leur heure",
    "Held by quiet hours": "Retenus par les heures calmes",
    "Sent": "Envoyés",
    "Delivered": "Remis",
    "Failed": "En échec",
    "Replied": "Ont répondu",
    "Opted out": "Désinscrits",
    "Not started: cancelled": "Non commencés : annulée",
    "Skipped: %(reason)s": "Sautés : %(reason)s",
    "Its results": "Ses résultats",
    "Not started.": "Pas démarrée.",
    "not started": "pas démarrée",
    "running": "en cours",
    "paused": "en pause",
    "cancelled": "annulée",
    "done": "terminée",
    "marketing": "marketing",
    "transactional": "transactionnelle",
    "alert": "alerte",
    "The campaign is started: the engine sends at its pace.": (
        "La campagne est démarrée : le moteur envoie à son rythme."
    ),
    "The campaign is paused.": "La campagne est en pause.",
    "The campaign goes on.": "La campagne reprend.",
    "The campaign is cancelled: who has not had it gets nothing.": (
        "La campagne est annulée : qui ne l'a pas reçue ne recevra rien."
    ),
    "This campaign was started already: a campaign starts once.": (
        "Cette campagne a déjà été démarrée : une campagne ne démarre qu'une fois."
    ),
    "This campaign was never started.": "Cette campagne n'a jamais été démarrée.",
    "The campaign cannot do that in its status now.": (
        "La campagne ne peut pas faire cela dans son état actuel."
    ),
    "The campaign's audience file cannot be read.": (
        "Le fichier de public de la campagne est illisible."
    ),
    "Results and campaigns are for those who may read them (a token's read scope).": (
        "Les résultats et les campagnes sont pour qui peut les lire (la portée read d'un jeton)."
    ),
    # --- the rules page ----------------------------------------------------------------------
    "Rules": "Règles",
    "Version in force": "Version en service",
    "Since": "Depuis",
    "Files": "Fichiers",
    "Hot reload": "Rechargement à chaud",
    "on: a saved file is loaded when it has no error": (
        "actif : un fichier enregistré est chargé s'il n'a pas d'erreur"
    ),
    "off": "inactif",
    "The last save was not loaded": "Le dernier enregistrement n'a pas été chargé",
    "The rules above keep serving until the files load without an error:": (
        "Les règles ci-dessus restent en service jusqu'à ce que les fichiers se chargent sans "
        "erreur :"
    ),
    "The last load had no error.": "Le dernier chargement n'a eu aucune erreur.",
    "Flows": "Parcours",
    "States: %(names)s": "États : %(names)s",
    "The ways through it, as text": "Ses chemins, en texte",
    "in": "entrée",
    "end": "fin",
    "No flow.": "Aucun parcours.",
    "autoreply": "réponse automatique",
    # --- the simulator -----------------------------------------------------------------------
    "Simulator": "Simulateur",
    "Text the rules in force as a phone would, in a sandbox: nothing is sent and the engine's "
    "store is not touched.": (
        "Écrivez aux règles en service comme un téléphone, dans un bac à sable : rien n'est "
        "envoyé et la base du moteur n'est pas touchée."
    ),
    "Clock: %(now)s (%(zone)s)": "Horloge : %(now)s (%(zone)s)",
    "Conversation": "Conversation",
    "The clock is now %(now)s": "L'horloge indique maintenant %(now)s",
    "from %(phone)s to %(number)s": "de %(phone)s à %(number)s",
    "to %(phone)s from %(number)s": "à %(phone)s depuis %(number)s",
    "Why": "Pourquoi",
    "Rule": "Règle",
    "built-in": "intégrée",
    "Captures": "Captures",
    "Cases tried": "Cas essayés",
    "Session": "Session",
    "Why: a timer fell due": "Pourquoi : un minuteur est arrivé à échéance",
    "Nothing yet: write a message below.": "Rien pour l'instant : écrivez un message ci-dessous.",
    "Message": "Message",
    "Who texts whom": "Qui écrit à qui",
    "From (the phone)": "De (le téléphone)",
    "To (the service number)": "À (le numéro du service)",
    "The clock": "L'horloge",
    "Move it on by": "L'avancer de",
    "Move on": "Avancer",
    "Set it to": "La mettre à",
    "Set the clock": "Régler l'horloge",
    "Start again": "Recommencer",
    "a compliance word (STOP, HELP…)": "un mot réglementaire (STOP, AIDE…)",
    "the contact opted out: ignored": "le contact s'est désinscrit : ignoré",
    "a team holds the conversation": "une équipe tient la conversation",
    "the waiting poll's own keyword (it starts again)": (
        "le mot-clé du sondage en attente (il recommence)"
    ),
    "an interrupting entry, answered aside": "une entrée qui interrompt, répondue à part",
    "the waiting session": "la session en attente",
    "a trigger": "un déclencheur",
    "a keyword, forgiving a typo": "un mot-clé, malgré une faute de frappe",
    "the catch-all": "le cas par défaut",
    "no rule: the inbox": "aucune règle : la boîte de réception",
    "(no decision)": "(aucune décision)",
    "Handed to the %(team)s team.": "Transmis à l'équipe %(team)s.",
    "The %(team)s team has this conversation: no reply.": (
        "L'équipe %(team)s a cette conversation : pas de réponse."
    ),
    "No rule answered: the message would wait in the inbox.": (
        "Aucune règle n'a répondu : le message attendrait dans la boîte de réception."
    ),
    "The waiting flow did not understand: the message would wait in the inbox.": (
        "Le parcours en attente n'a pas compris : le message attendrait dans la boîte de réception."
    ),
    "Ignored (%(reason)s).": "Ignoré (%(reason)s).",
    "The reply limit is reached: nothing would be sent.": (
        "La limite de réponses est atteinte : rien ne serait envoyé."
    ),
    "Rule error: %(message)s": "Erreur de règle : %(message)s",
    "A message of the simulator has at most %(most)s characters.": (
        "Un message du simulateur a au plus %(most)s caractères."
    ),
    "The sandbox keeps %(most)s steps: start again.": (
        "Le bac à sable garde %(most)s étapes : recommencez."
    ),
    "The conversation could not be read again: it starts over.": (
        "La conversation n'a pas pu être relue : elle recommence."
    ),
    "Write a duration like 25h, 1d 2h or 90s.": "Écrivez une durée comme 25h, 1d 2h ou 90s.",
    "Write a date and time like 2026-12-03T09:00.": (
        "Écrivez une date et une heure comme 2026-12-03T09:00."
    ),
    "This is not one of the rules' numbers.": "Ce n'est pas un des numéros des règles.",
    "This is not a phone number.": "Ce n'est pas un numéro de téléphone.",
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
