"""Own the words of the bodies of `twoway explain` (and the chat's ``/why``), `replay` and
`status` in English and French, by key."""

from __future__ import annotations

__all__ = ["COMMANDS"]

COMMANDS: dict[str, dict[str, str]] = {
    "none": {"en": "(none)", "fr": "(aucune)"},
    "built_in": {"en": "(built-in)", "fr": "(intégrée)"},
    "cli.problem": {"en": "{message} ({hint})", "fr": "{message} ({hint})"},
    # --- twoway explain, /why: the decision path ----------------------------------------------
    "explain.message": {
        "en": "message: {text} from {phone} to {number} at {at}",
        "fr": "message : {text} de {phone} à {number} le {at}",
    },
    "explain.normalised": {"en": "normalised: {text}", "fr": "normalisé : {text}"},
    "explain.before": {"en": "session before: {session}", "fr": "session avant : {session}"},
    "explain.decided": {"en": "decided by: {step}{detail}", "fr": "décidé par : {step}{detail}"},
    "explain.rule": {"en": "rule: {rule}", "fr": "règle : {rule}"},
    "explain.captures": {"en": "captures: {captures}", "fr": "captures : {captures}"},
    "explain.tried": {"en": "tried:", "fr": "essayés :"},
    "explain.tried_case": {
        "en": "  ✗ {rule} {test}: {reason}",
        "fr": "  ✗ {rule} {test} : {reason}",
    },
    "explain.no_reply": {"en": "reply: (none)", "fr": "réponse : (aucune)"},
    "explain.reply": {"en": "reply {n}{to}: {text}", "fr": "réponse {n}{to} : {text}"},
    "explain.to": {"en": " (to {to})", "fr": " (à {to})"},
    "explain.parts.one": {
        "en": "  {coding}, {length} characters, {count} SMS part",
        "fr": "  {coding}, {length} caractères, {count} segment SMS",
    },
    "explain.parts.other": {
        "en": "  {coding}, {length} characters, {count} SMS parts",
        "fr": "  {coding}, {length} caractères, {count} segments SMS",
    },
    "explain.cost.one": {"en": "cost: {count} SMS part", "fr": "coût : {count} segment SMS"},
    "explain.cost.other": {"en": "cost: {count} SMS parts", "fr": "coût : {count} segments SMS"},
    "explain.after": {"en": "session after: {session}", "fr": "session après : {session}"},
    "explain.no_decision": {"en": "(no decision)", "fr": "(aucune décision)"},
    "explain.step.compliance": {"en": "compliance word", "fr": "mot de conformité"},
    "explain.step.opted_out": {"en": "opted out (ignored)", "fr": "désinscrit (ignoré)"},
    "explain.step.held": {"en": "held hand-off", "fr": "transfert en cours"},
    "explain.step.restart": {
        "en": "the waiting poll's own keyword (it starts again)",
        "fr": "le mot-clé du sondage en attente (il recommence)",
    },
    "explain.step.aside": {
        "en": "an interrupting entry, answered aside (the session keeps waiting)",
        "fr": "une entrée qui interrompt, traitée à part (la session attend toujours)",
    },
    "explain.step.wait": {"en": "waiting session", "fr": "session en attente"},
    "explain.step.trigger": {"en": "trigger", "fr": "déclencheur"},
    "explain.step.typo": {"en": "typo forgiveness", "fr": "tolérance aux fautes de frappe"},
    "explain.step.catchall": {"en": "catch-all", "fr": "attrape-tout"},
    "explain.step.inbox": {"en": "inbox", "fr": "boîte de réception"},
    "explain.detail.compliance": {
        "en": " ({action}: {keyword})",
        "fr": " ({action} : {keyword})",
    },
    "explain.detail.held": {"en": " (team {team})", "fr": " (équipe {team})"},
    "explain.detail.typo": {
        "en": " (read {typed} as {keyword})",
        "fr": " ({typed} lu comme {keyword})",
    },
    "explain.detail.otherwise": {"en": " (otherwise)", "fr": " (cas otherwise)"},
    "explain.where.flow": {"en": "flow {flow}", "fr": "parcours {flow}"},
    "explain.where.state": {"en": "state {state}", "fr": "état {state}"},
    "explain.where.trigger": {"en": "{kind} trigger", "fr": "déclencheur {kind}"},
    # --- why a case did not take the message (engine.runtime.why) ---------------------------
    "why.otherwise": {"en": "otherwise", "fr": "otherwise"},
    "why.when": {"en": "when: {source}", "fr": "when : {source}"},
    "why.match": {"en": "match: {source}", "fr": "match : {source}"},
    "why.choice": {"en": "a choice: {choices}", "fr": "un choix : {choices}"},
    "why.answer": {"en": "an answer ({type})", "fr": "une réponse ({type})"},
    "why.poll_is": {"en": "the poll is {reason}", "fr": "le sondage est {reason}"},
    "why.keyword": {"en": "keyword: {words}", "fr": "mot-clé : {words}"},
    "why.guard_false": {
        "en": "its when: {source} is false",
        "fr": "son when : {source} est faux",
    },
    "why.condition_false": {"en": "the condition is false", "fr": "la condition est fausse"},
    "why.no_match": {
        "en": "the pattern does not match",
        "fr": "le motif ne correspond pas",
    },
    "why.no_choice": {
        "en": "the text names none of the choices",
        "fr": "le texte ne nomme aucun des choix",
    },
    "why.not_answer": {
        "en": "the text is not a valid {type} answer",
        "fr": "le texte n'est pas une réponse {type} valide",
    },
    "why.poll_not": {"en": "the poll is not {reason}", "fr": "le sondage n'est pas {reason}"},
    "why.no_keyword": {
        "en": "the message does not start with the keyword",
        "fr": "le message ne commence pas par le mot-clé",
    },
    # --- twoway replay --------------------------------------------------------------------------
    "replay.no_path": {"en": "{path} does not exist", "fr": "{path} n'existe pas"},
    "replay.unreadable": {
        "en": "cannot read the store {db}: {reason}",
        "fr": "impossible de lire la base {db} : {reason}",
    },
    "replay.since": {"en": "since {at}", "fr": "depuis le {at}"},
    "replay.all": {"en": "(all stored)", "fr": "(tout ce qui est stocké)"},
    "replay.summary": {
        "en": "replayed {replayed} of {conversations} {window} until {until}; {rebuilt} rebuilt "
        "their state; {changed} {differ}",
        "fr": "rejoué {replayed} de {conversations} {window} jusqu'au {until} ; état "
        "reconstruit avec {rebuilt} ; {changed} {differ}",
    },
    "replay.messages.one": {"en": "{count} message", "fr": "{count} message"},
    "replay.messages.other": {"en": "{count} messages", "fr": "{count} messages"},
    "replay.conversations.one": {"en": "{count} conversation", "fr": "{count} conversation"},
    "replay.conversations.other": {"en": "{count} conversations", "fr": "{count} conversations"},
    "replay.earlier.one": {"en": "{count} earlier message", "fr": "{count} message antérieur"},
    "replay.earlier.other": {
        "en": "{count} earlier messages",
        "fr": "{count} messages antérieurs",
    },
    "replay.replies.one": {"en": "{count} reply", "fr": "{count} réponse"},
    "replay.replies.other": {"en": "{count} replies", "fr": "{count} réponses"},
    "replay.differ.one": {"en": "differs", "fr": "diffère"},
    "replay.differ.other": {"en": "differ", "fr": "diffèrent"},
    "replay.sent": {"en": "sent:", "fr": "envoyée :"},
    "replay.new": {"en": "new:", "fr": "nouvelle :"},
    "replay.rule_count": {"en": "  {rule}: {messages}", "fr": "  {rule} : {messages}"},
    "replay.rule": {"en": "  rule: {rule}", "fr": "  règle : {rule}"},
    "replay.by_rule": {"en": "by rule:", "fr": "par règle :"},
    # --- twoway status ----------------------------------------------------------------------
    "status.head": {
        "en": "twoway {version} at {url}: {status}",
        "fr": "twoway {version} sur {url} : {status}",
    },
    "status.ok": {"en": "ok", "fr": "ok"},
    "status.degraded": {"en": "DEGRADED", "fr": "DÉGRADÉ"},
    "status.up": {"en": "up", "fr": "en marche"},
    "status.since": {"en": "{duration}, since {at}", "fr": "{duration}, depuis le {at}"},
    "status.rules": {"en": "rules", "fr": "règles"},
    "status.rules_are": {
        "en": "version {version}, {files} files, {flows} flows",
        "fr": "version {version}, {files} fichiers, {flows} parcours",
    },
    "status.from": {"en": " from {path}", "fr": " depuis {path}"},
    "status.reloads": {
        "en": " ({ok} reloads, {failed} failed)",
        "fr": " ({ok} rechargements, {failed} échoués)",
    },
    "status.loaded": {"en": "loaded {at}{reloads}", "fr": "chargées le {at}{reloads}"},
    "status.connectors": {"en": "connectors", "fr": "connecteurs"},
    "status.connector": {
        "en": "{name} ({type}): {state}{error}",
        "fr": "{name} ({type}) : {state}{error}",
    },
    "status.state.up": {"en": "up", "fr": "connecté"},
    "status.state.down": {"en": "down", "fr": "hors service"},
    "status.state.connecting": {"en": "connecting", "fr": "connexion en cours"},
    "status.state.starting": {"en": "starting", "fr": "démarrage"},
    "status.state.stopping": {"en": "stopping", "fr": "arrêt en cours"},
    "status.workers": {"en": "workers", "fr": "processus"},
    "status.worker": {
        "en": "{index}: {state}, pid {pid}{restarts}{exit}",
        "fr": "{index} : {state}, pid {pid}{restarts}{exit}",
    },
    "status.restarts.one": {"en": ", restarted once", "fr": ", relancé une fois"},
    "status.restarts.other": {"en": ", restarted {count} times", "fr": ", relancé {count} fois"},
    "status.last_exit": {"en": ", last exit: {exit}", "fr": ", dernière sortie : {exit}"},
    "status.unknown": {"en": "unknown", "fr": "inconnu"},
    "status.no_operator": {"en": "operator ?", "fr": "opérateur ?"},
    "status.modem": {
        "en": "{number} on {port}: SIM {pin}, network {registration} ({operator}), signal "
        "{strength}",
        "fr": "{number} sur {port} : SIM {pin}, réseau {registration} ({operator}), signal "
        "{strength}",
    },
    "status.note": {"en": "note: {note}", "fr": "remarque : {note}"},
    "status.queues": {"en": "queues", "fr": "files"},
    "status.store": {"en": "store", "fr": "base"},
    "status.clock": {"en": "clock", "fr": "horloge"},
    "status.test_clock": {
        "en": "TEST CLOCK (TWOWAY_TEST_CLOCK), now {now}",
        "fr": "HORLOGE DE TEST (TWOWAY_TEST_CLOCK), maintenant {now}",
    },
    "status.rule_errors": {
        "en": "the rule files have errors (the previous rules are still serving):",
        "fr": "les fichiers de règles ont des erreurs (les règles précédentes servent encore) :",
    },
}
