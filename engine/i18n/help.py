"""Own the French of twoway's `--help`, keyed by its English: each command's help (its
docstring, as click cleans it) and each option's, and the help click gives its ``--help`` and
``--version`` options; ``engine.cli.helptext`` writes them in the language in use, and
``tests/i18n/test_french_help.py`` fails when a command or an option has no French here (or
when an entry is no longer any command's)."""

from __future__ import annotations

__all__ = ["HELP"]

HELP: dict[str, str] = {
    "twoway: two-way SMS conversations from YAML rule files.": (
        "twoway : des conversations SMS dans les deux sens, écrites dans des fichiers de règles "
        "YAML."
    ),
    "Show the version and exit.": "Affiche la version et quitte.",
    (
        "The language of the commands' words and of --help (check's errors, summaries, what "
        "explain, status, results, report, campaign, chat, replay and contacts print); else "
        "TWOWAY_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG: fr… is French), else English. "
        "Give it before the command."
    ): (
        "La langue des commandes et de --help (les erreurs de check, les résumés, ce "
        "qu'affichent explain, status, results, report, campaign, chat, replay et contacts) ; "
        "sinon TWOWAY_LANG, sinon la locale (LC_ALL, LC_MESSAGES, LANG : fr… est le français), "
        "sinon l'anglais. À donner avant la commande."
    ),
    "Show this message and exit.": "Affiche ce message et quitte.",
    "Copy the store (SQLite) into TARGET, safely, also while the engine runs.": (
        "Copie la base (SQLite) dans TARGET, sans risque, même pendant que le moteur tourne."
    ),
    "The deployment file (twoway.yaml). Without it: the embedded defaults.": (
        "Le fichier de déploiement (twoway.yaml). Sans lui : les valeurs par défaut intégrées."
    ),
    "The store to copy, instead of the configuration's.": (
        "La base à copier, au lieu de celle de la configuration."
    ),
    "Replace TARGET when it exists.": "Remplace TARGET s'il existe.",
    (
        "Start and follow the campaigns of the rule files (`campaign:` files).\n\nA campaign "
        "file sends nothing by being saved: `twoway campaign start NAME` starts it, once.\nNAME "
        "is the file's name without .yaml."
    ): (
        "Lance et suit les campagnes des fichiers de règles (fichiers `campaign:`).\n\n"
        "Enregistrer un fichier de campagne n'envoie rien : `twoway campaign start NAME` la "
        "lance, une seule fois. NAME est le nom du fichier sans .yaml."
    ),
    "Cancel campaign NAME: the recipients not started yet get nothing. It cannot restart.": (
        "Annule la campagne NAME : les destinataires pas encore commencés ne reçoivent rien. "
        "Elle ne peut pas reprendre."
    ),
    "The deployment file (twoway.yaml): its rules, its store, its numbers.": (
        "Le fichier de déploiement (twoway.yaml) : ses règles, sa base, ses numéros."
    ),
    "The store (SQLite file) to use, instead of the configuration's.": (
        "La base (fichier SQLite) à utiliser, au lieu de celle de la configuration."
    ),
    "Print JSON.": "Affiche du JSON.",
    "The campaigns of the rules, and where each stands.": (
        "Les campagnes des règles, et où en est chacune."
    ),
    "Pause campaign NAME: no new recipient is started until `resume`.": (
        "Met en pause la campagne NAME : aucun nouveau destinataire n'est commencé avant `resume`."
    ),
    (
        "Who would get campaign NAME, what three of them would read, what it costs in SMS\n"
        "parts, and when the first and the last message would go. Sends nothing."
    ): (
        "Qui recevrait la campagne NAME, ce que trois d'entre eux liraient, ce qu'elle coûte en "
        "segments SMS, et quand partiraient le premier et le dernier message. N'envoie rien."
    ),
    "Resume a paused campaign NAME, at its pace.": (
        "Reprend la campagne NAME mise en pause, à son rythme."
    ),
    (
        "Start campaign NAME: its recipients are recorded now, and the engine sends at the\n"
        "campaign's time and pace, outside quiet hours. A campaign starts once only."
    ): (
        "Lance la campagne NAME : ses destinataires sont enregistrés maintenant, et le moteur "
        "envoie à l'heure et au rythme de la campagne, hors des heures calmes. Une campagne ne "
        "se lance qu'une fois."
    ),
    "Do not ask above 1,000 recipients.": (
        "Ne pas demander confirmation au-delà de 1 000 destinataires."
    ),
    (
        "Where campaign NAME stands: queued, held (until when), sent, delivered, failed,\n"
        "replied, opted out since, skipped and excluded."
    ): (
        "Où en est la campagne NAME : en file, retenus (jusqu'à quand), envoyés, remis, en "
        "échec, ayant répondu, désinscrits depuis, sautés et exclus."
    ),
    (
        "Send campaign NAME's flow to one PHONE now, as a recipient would get it. The campaign\n"
        "itself does not start and the test does not count in its results."
    ): (
        "Envoie maintenant le parcours de la campagne NAME à un seul PHONE, tel qu'un "
        "destinataire le recevrait. La campagne elle-même ne démarre pas et le test ne compte "
        "pas dans ses résultats."
    ),
    "The phone to send it to.": "Le téléphone auquel l'envoyer.",
    (
        "Talk to the rules in PATHS as a phone would.\n\nWithout PATHS: ./rules, or the demo "
        "rules shipped with twoway when there is none. A line\nstarting with / is a command "
        '(/help lists them), any other line a message; from a pipe,\neach line is echoed ("> " '
        'a message, "~ " a command) before the replies ("< ").'
    ): (
        "Parle aux règles de PATHS comme le ferait un téléphone.\n\nSans PATHS : ./rules, ou "
        "les règles de démonstration livrées avec twoway s'il n'y en a pas. Une ligne "
        "commençant par / est une commande (/help les liste), toute autre ligne un message ; "
        'depuis un tube, chaque ligne est répétée ("> " un message, "~ " une commande) avant '
        'les réponses ("< ").'
    ),
    "The phone number you are.": "Le numéro de téléphone que vous êtes.",
    "Our number you text (default: the first number the rules name).": (
        "Notre numéro auquel vous écrivez (par défaut : le premier numéro que nomment les règles)."
    ),
    "The SQLite file to keep the conversation in.": "Le fichier SQLite où garder la conversation.",
    "Write the conversation as a test file when the chat ends.": (
        "Écrit la conversation comme fichier de test à la fin du chat."
    ),
    (
        "The time the chat starts at (ISO 8601; without an offset, in the rules' timezone). "
        "Default: the current time."
    ): (
        "L'heure à laquelle le chat commence (ISO 8601 ; sans décalage, dans le fuseau horaire "
        "des règles). Par défaut : l'heure actuelle."
    ),
    (
        "Check rule files and their tests, or a deployment file; print every error with\n"
        "file:line:col.\n\nWith --config FILE and no PATH, the rules FILE points to are checked "
        "too.\nExit 0 when everything is right (warnings are printed, and do not fail unless "
        "--strict),\n1 otherwise."
    ): (
        "Vérifie des fichiers de règles et leurs tests, ou un fichier de déploiement ; affiche "
        "chaque erreur avec fichier:ligne:col.\n\nAvec --config FILE et sans PATH, les règles "
        "que désigne FILE sont vérifiées aussi. Sort avec 0 quand tout est juste (les "
        "avertissements sont affichés, et ne font pas échouer sans --strict), 1 sinon."
    ),
    "Check this deployment file (twoway.yaml) too, and the rules it points to.": (
        "Vérifie aussi ce fichier de déploiement (twoway.yaml), et les règles qu'il désigne."
    ),
    "With --config and no PATH: check the deployment file only, not its rules.": (
        "Avec --config et sans PATH : vérifie seulement le fichier de déploiement, pas ses règles."
    ),
    "Warnings are errors: exit 1 on any.": (
        "Les avertissements comptent comme des erreurs : sort avec 1 s'il y en a un."
    ),
    (
        "Import contacts from CSV or XLSX, export them, import a suppression list, forget "
        "one.\n\nEvery subcommand writes the store in one short transaction, whether the engine "
        "runs or\nnot: the engine sees the change at its next batch."
    ): (
        "Importe des contacts depuis un CSV ou un XLSX, les exporte, importe une liste "
        "d'exclusion, en oublie un.\n\nChaque sous-commande écrit la base en une courte "
        "transaction, que le moteur tourne ou non : le moteur voit le changement à son prochain "
        "lot."
    ),
    (
        "Write the contacts to FILE.csv or FILE.xlsx, readable by `twoway contacts import`.\n\n"
        "Columns: phone, name, language, timezone, groups (joined by ;), then every other "
        "field,\nsorted. The file is mode 0600: it lists people."
    ): (
        "Écrit les contacts dans FILE.csv ou FILE.xlsx, lisible par `twoway contacts "
        "import`.\n\nColonnes : phone, name, language, timezone, groups (joints par ;), puis "
        "chaque autre champ, triés. Le fichier est en mode 0600 : il liste des personnes."
    ),
    "Only the contacts of group NAME.": "Seulement les contacts du groupe NAME.",
    "The deployment file (twoway.yaml): its store, its country, its numbers.": (
        "Le fichier de déploiement (twoway.yaml) : sa base, son pays, ses numéros."
    ),
    (
        "Erase what the store keeps of PHONE (GDPR): its fields and groups, sessions, votes,\n"
        "answers, events, timers and inbox rows, and the texts of its messages (blanked).\n\n"
        "Its opt-outs are kept, with their log: a person who opted out and is forgotten must "
        "still\nnever be messaged. A reply still waiting to leave is suppressed."
    ): (
        "Efface ce que la base garde de PHONE (RGPD) : ses champs et groupes, sessions, votes, "
        "réponses, événements, minuteries et lignes de la boîte de réception, et les textes de "
        "ses messages (vidés).\n\nSes désinscriptions sont gardées, avec leur journal : une "
        "personne désinscrite puis oubliée ne doit toujours jamais recevoir de message. Une "
        "réponse qui attend encore de partir est supprimée."
    ),
    (
        "The country of numbers written without +CC (ISO 3166 code like FR); overrides the "
        "configuration's country."
    ): (
        "Le pays des numéros écrits sans +CC (code ISO 3166 comme FR) ; remplace le pays de la "
        "configuration."
    ),
    (
        "Import contacts from a CSV (, or ;) or XLSX FILE.\n\nA phone column is required (also: "
        "telephone, mobile, numero, msisdn); name, language,\ntimezone and groups (split on , "
        "or ;) are understood; any other column becomes a contact\nfield. Numbers become E.164 "
        "with the country. Rows of a number already known merge into\nit: the later non-empty "
        "cell wins, groups add up. Prints `imported N, updated M,\nrefused K` and the refused "
        "rows. Exit 0 when the file was read, 1 when it cannot be."
    ): (
        "Importe des contacts depuis un FILE CSV (, ou ;) ou XLSX.\n\nUne colonne phone est "
        "requise (ou : telephone, mobile, numero, msisdn) ; name, language, timezone et groups "
        "(séparés par , ou ;) sont compris ; toute autre colonne devient un champ du contact. "
        "Les numéros passent en E.164 avec le pays. Les lignes d'un numéro déjà connu s'y "
        "fondent : la dernière cellule non vide l'emporte, les groupes s'additionnent. Affiche "
        "`importés N, mis à jour M, refusés K` et les lignes refusées. Sort avec 0 quand le "
        "fichier a été lu, 1 quand il ne peut pas l'être."
    ),
    "Add every contact to NAME.": "Ajoute chaque contact au groupe NAME.",
    "Write the refused rows to this CSV file instead of listing them.": (
        "Écrit les lignes refusées dans ce fichier CSV au lieu de les lister."
    ),
    (
        "Load a suppression list (CSV or XLSX with a phone column) from a previous provider.\n\n"
        "Each number becomes opted out of N, or of every number of the configuration, with\n"
        '"imported from FILE" in the opt-out log: nothing is sent to it afterwards (until it\n'
        "sends START itself). Exit 0 when the file was read, 1 when it cannot be."
    ): (
        "Charge une liste d'exclusion (CSV ou XLSX avec une colonne phone) venue d'un "
        "fournisseur précédent.\n\nChaque numéro est désinscrit de N, ou de tous les numéros de "
        'la configuration, avec "imported from FILE" dans le journal des désinscriptions : plus '
        "rien ne lui est envoyé ensuite (jusqu'à ce qu'il envoie START lui-même). Sort avec 0 "
        "quand le fichier a été lu, 1 quand il ne peut pas l'être."
    ),
    "Opt out of this number of ours (repeatable); without it, of every configured number.": (
        "Désinscrit de ce numéro à nous (répétable) ; sans lui, de tous les numéros configurés."
    ),
    (
        "Explain what the rules in PATHS do with a message: twoway explain [PATHS…] -- "
        '"text".\n\nThe last argument is the message; the others are rule folders or files '
        "(default: ./rules,\nor the demo rules). Prints the step of the order of precedence "
        "that decided, the rule's\nfile:line, the normalised text, the captures, the cases "
        "tried and why they failed, and each\nreply with its encoding and its cost in SMS "
        "parts. Nothing is sent or stored."
    ): (
        "Explique ce que les règles de PATHS font d'un message : twoway explain [PATHS…] -- "
        '"texte".\n\nLe dernier argument est le message ; les autres sont des dossiers ou des '
        "fichiers de règles (par défaut : ./rules, ou les règles de démonstration). Affiche "
        "l'étape de l'ordre de priorité qui a décidé, le fichier:ligne de la règle, le texte "
        "normalisé, les captures, les cas essayés et pourquoi ils ont échoué, et chaque réponse "
        "avec son encodage et son coût en segments SMS. Rien n'est envoyé ni enregistré."
    ),
    "The phone that texts.": "Le téléphone qui écrit.",
    "Our number (default: the first the rules name).": (
        "Notre numéro (par défaut : le premier que nomment les règles)."
    ),
    (
        "When the message arrives (ISO 8601; without an offset, in the rules' timezone). "
        "Default: now."
    ): (
        "Quand le message arrive (ISO 8601 ; sans décalage, dans le fuseau horaire des règles). "
        "Par défaut : maintenant."
    ),
    "Read the conversation (session, contact) from this SQLite file; nothing is written.": (
        "Lit la conversation (session, contact) dans ce fichier SQLite ; rien n'est écrit."
    ),
    "Print the explanation as JSON.": "Affiche l'explication en JSON.",
    (
        "List the functions conditions and templates can call, with examples.\n\nWith NAME, "
        "show that function's whole documentation."
    ): (
        "Liste les fonctions que les conditions et les modèles peuvent appeler, avec des "
        "exemples.\n\nAvec NAME, montre toute la documentation de cette fonction."
    ),
    "Print the whole reference as Markdown (docs/functions.md).": (
        "Affiche toute la référence en Markdown (docs/functions.md)."
    ),
    (
        "Print the scrypt$… hash of a password, for a user of http.users in twoway.yaml.\n\nThe "
        "password is asked twice at a terminal (not shown), or read from the first line of\n"
        "standard input when it is a pipe. The hash has a salt of its own each time."
    ): (
        "Affiche le hachage scrypt$… d'un mot de passe, pour un utilisateur de http.users dans "
        "twoway.yaml.\n\nLe mot de passe est demandé deux fois dans un terminal (sans être "
        "affiché), ou lu sur la première ligne de l'entrée standard quand c'est un tube. Le "
        "hachage a chaque fois son propre sel."
    ),
    (
        "Replay the stored inbound messages against the rules in PATHS; report each reply that\n"
        "would change.\n\nNothing is sent and the store is not written. Each conversation the "
        "window touches runs in\norder, each message at its stored received time (timeouts "
        "falling due in between fire\nfirst). The store keeps a conversation's current session "
        "only, not its history: its state\nat the window's start is rebuilt by replaying its "
        "earlier stored messages through the same\nrules first (not reported); contacts start "
        "with their stored fields and groups as they\nstand now. Flows started without a "
        "message (campaigns, schedules, the API) are not\nreplayed. The reply sent is every "
        "outbox row the rules wrote for the message.\n\nPrints, per message whose replies "
        "differ from those sent: time, phone, number, text, the\nreply sent, the new reply and "
        "the rule that decided (file:line); then the count per rule.\nExit 0 when nothing "
        "differs, 1 when some reply does, 2 when the rules do not load (their\nerrors at "
        "file:line:col) or the store cannot be read."
    ): (
        "Rejoue les messages entrants enregistrés face aux règles de PATHS ; signale chaque "
        "réponse qui changerait.\n\nRien n'est envoyé et la base n'est pas écrite. Chaque "
        "conversation que touche la fenêtre est rejouée dans l'ordre, chaque message à son "
        "heure de réception enregistrée (les délais échus entre-temps se déclenchent d'abord). "
        "La base ne garde que la session en cours d'une conversation, pas son historique : son "
        "état au début de la fenêtre est reconstruit en rejouant d'abord ses messages "
        "enregistrés plus anciens avec les mêmes règles (sans les signaler) ; les contacts "
        "partent de leurs champs et groupes enregistrés tels qu'ils sont maintenant. Les "
        "parcours lancés sans message (campagnes, planifications, l'API) ne sont pas rejoués. "
        "La réponse envoyée est chaque ligne de la boîte d'envoi que les règles ont écrite pour "
        "le message.\n\nAffiche, pour chaque message dont les réponses diffèrent de celles "
        "envoyées : l'heure, le téléphone, le numéro, le texte, la réponse envoyée, la nouvelle "
        "réponse et la règle qui a décidé (fichier:ligne) ; puis le compte par règle. Sort avec "
        "0 quand rien ne diffère, 1 quand une réponse diffère, 2 quand les règles ne se "
        "chargent pas (leurs erreurs à fichier:ligne:col) ou que la base ne peut pas être lue."
    ),
    "The SQLite store whose traffic is replayed; it is only read.": (
        "La base SQLite dont le trafic est rejoué ; elle est seulement lue."
    ),
    "The window: the messages of the last DURATION (7d, 12h, 30m). Default: all stored.": (
        "La fenêtre : les messages de la dernière période DURATION (7d, 12h, 30m). Par défaut : "
        "tout ce qui est enregistré."
    ),
    ("When the window ends (ISO 8601; without an offset, in the rules' timezone). Default: now."): (
        "Quand la fenêtre se termine (ISO 8601 ; sans décalage, dans le fuseau horaire des "
        "règles). Par défaut : maintenant."
    ),
    "Print the report as JSON.": "Affiche le rapport en JSON.",
    (
        "Write the results as one HTML page: NAME... selects polls, surveys and flows by name;\n"
        "none means all of the rule set.\n\nPer poll a chart of the votes per choice with the "
        "voters and refused votes; per survey\nthe answers to each question and the completion "
        "rate; per flow how its sessions ended;\nper campaign its funnel; and the messages "
        "received over time, in the rule set's time\nzone. The page is self-contained: it loads "
        "nothing, runs no script, and opens offline."
    ): (
        "Écrit les résultats en une page HTML : NAME... choisit des votes, des enquêtes et des "
        "parcours par leur nom ; aucun veut dire tous ceux des règles.\n\nPar vote, un "
        "graphique des voix par choix avec les votants et les votes refusés ; par enquête, les "
        "réponses à chaque question et le taux d'achèvement ; par parcours, comment ses "
        "sessions se sont terminées ; par campagne, son entonnoir ; et les messages reçus au "
        "fil du temps, dans le fuseau horaire des règles. La page se suffit à elle-même : elle "
        "ne charge rien, n'exécute aucun script et s'ouvre hors ligne."
    ),
    "Write the report to this HTML file (mode 0600), replacing it if it exists.": (
        "Écrit le rapport dans ce fichier HTML (mode 0600), en le remplaçant s'il existe."
    ),
    "The report's title.": "Le titre du rapport.",
    "The rule folder, for titles, choices and questions; overrides the configuration's.": (
        "Le dossier des règles, pour les titres, les choix et les questions ; remplace celui de "
        "la configuration."
    ),
    "The deployment file (twoway.yaml): its store and its rules.": (
        "Le fichier de déploiement (twoway.yaml) : sa base et ses règles."
    ),
    "The store (SQLite file) to read, instead of the configuration's.": (
        "La base (fichier SQLite) à lire, au lieu de celle de la configuration."
    ),
    (
        "Show the results of polls, surveys and flows: NAME... selects them by flow name; none\n"
        "means all of the rule set.\n\nA poll: votes per choice, voters, refused votes (second "
        "votes, too late, too early), votes\nper hour. A survey: one row per session with its "
        "answers, the completion rate, the\nanswers per question. A flow: sessions started, how "
        "they ended, hand-offs."
    ): (
        "Montre les résultats des votes, des enquêtes et des parcours : NAME... les choisit par "
        "nom de parcours ; aucun veut dire tous ceux des règles.\n\nUn vote : les voix par "
        "choix, les votants, les votes refusés (seconds votes, trop tard, trop tôt), les voix "
        "par heure. Une enquête : une ligne par session avec ses réponses, le taux "
        "d'achèvement, les réponses par question. Un parcours : les sessions commencées, "
        "comment elles se sont terminées, les transferts à une personne."
    ),
    (
        "table (aligned text), csv (sections separated by a blank line), json, or xlsx (one "
        "sheet per result; needs --output)."
    ): (
        "table (texte aligné), csv (sections séparées par une ligne vide), json, ou xlsx (une "
        "feuille par résultat ; demande --output)."
    ),
    "Write to this file (mode 0600: it holds phone numbers) instead of the terminal.": (
        "Écrit dans ce fichier (mode 0600 : il contient des numéros de téléphone) au lieu du "
        "terminal."
    ),
    (
        "Run the engine: rules, store, connectors, and /health and /metrics over HTTP, until\n"
        "Ctrl-C or SIGTERM. With workers: N (2 or more) in the deployment file, a supervisor of N\n"
        'engine processes over the one store (see "Workers" in docs/operations.md).\n\n'
        "For tests only, TWOWAY_TEST_CLOCK=FILE runs it on the time FILE "
        'says (see "Test clock" in\ndocs/operations.md); a FILE that cannot be read exits with '
        "code 2."
    ): (
        "Fait tourner le moteur : règles, base, connecteurs, et /health et /metrics en HTTP, "
        "jusqu'à Ctrl-C ou SIGTERM. Avec workers: N (2 ou plus) dans le fichier de déploiement, "
        'un superviseur de N processus du moteur sur la même base (voir "Workers" dans '
        "docs/operations.md).\n\nPour les tests seulement, TWOWAY_TEST_CLOCK=FILE le fait "
        'tourner à l\'heure que dit FILE (voir "Test clock" dans docs/operations.md) ; un FILE '
        "illisible le fait sortir avec le code 2."
    ),
    "INDEX/COUNT: run as that worker.": (
        "INDEX/COUNT : tourner comme ce worker (le superviseur de workers: N le lance ainsi)."
    ),
    "The deployment file (twoway.yaml). Without it: embedded defaults.": (
        "Le fichier de déploiement (twoway.yaml). Sans lui : les valeurs par défaut intégrées."
    ),
    "Overrides log.level of the deployment file.  [default: INFO]": (
        "Remplace log.level du fichier de déploiement.  [par défaut : INFO]"
    ),
    "text lines, or one JSON object per line; overrides log.format.  [default: text]": (
        "des lignes de texte, ou un objet JSON par ligne ; remplace log.format.  [par défaut : "
        "text]"
    ),
    (
        "Print the JSON Schema of a rule file (rules, the default), of twoway.yaml (config) or\n"
        "of a conversation test file (tests).\n\nSave it beside the files and name it on their "
        "first line, for an editor that reads\nschemas (VS Code's YAML extension and other YAML "
        "language servers):\n\n    twoway schema rules > rules/rules.schema.json\n\n    # "
        "yaml-language-server: $schema=rules.schema.json"
    ): (
        "Affiche le JSON Schema d'un fichier de règles (rules, par défaut), de twoway.yaml "
        "(config) ou d'un fichier de tests de conversation (tests).\n\nEnregistrez-le à côté "
        "des fichiers et nommez-le sur leur première ligne, pour un éditeur qui lit les schémas "
        "(l'extension YAML de VS Code et les autres serveurs de langage YAML) :\n\n    twoway "
        "schema rules > rules/rules.schema.json\n\n    # yaml-language-server: "
        "$schema=rules.schema.json"
    ),
    "Print the reference of every key as Markdown instead (rules: docs/rule-files.md).": (
        "Affiche plutôt la référence de chaque clé en Markdown (rules : docs/rule-files.md)."
    ),
    (
        "Ask the running engine how it is: rules, connectors, queues (its /health).\n\nExit 0 "
        "when it is ok, 2 when it is degraded, 1 when it does not answer."
    ): (
        "Demande au moteur en marche comment il va : règles, connecteurs, files d'attente (son "
        "/health).\n\nSort avec 0 quand il va bien, 2 quand il est dégradé, 1 quand il ne "
        "répond pas."
    ),
    "Ask this /health address instead of the one of the configuration.": (
        "Interroge cette adresse /health au lieu de celle de la configuration."
    ),
    "Print the health report as JSON.": "Affiche le bilan de santé en JSON.",
    (
        "Run the conversation tests of the rule sets in PATHS.\n\nEvery folder holding rule "
        "files is a rule set; its tests are the `tests:` sections of its\nfiles and its "
        "`*.test.yaml` files."
    ): (
        "Lance les tests de conversation des ensembles de règles de PATHS.\n\nChaque dossier "
        "qui contient des fichiers de règles est un ensemble de règles ; ses tests sont les "
        "sections `tests:` de ses fichiers et ses fichiers `*.test.yaml`."
    ),
    "Print every conversation, passed or not.": "Affiche chaque conversation, réussie ou non.",
    "List the states no test reached.": "Liste les états qu'aucun test n'a atteints.",
}
