"""Own the French and English of what ``twoway check --config`` and ``twoway run`` say about a
deployment file (``twoway.yaml``): keys across sections, secrets (E601), connectors; by key,
with ``{name}`` placeholders."""

from __future__ import annotations

__all__ = ["CONFIG"]

CONFIG: dict[str, dict[str, str]] = {
    # --- check --config: the deployment file ------------------------------------------------
    "config.E103": {
        "en": "the configuration must be a map of keys like store:, rules:, connectors:",
        "fr": "la configuration doit être un dictionnaire de clés comme store:, rules:, "
        "connectors:",
    },
    "config.E103.hint": {
        "en": "indent the keys of a section under it; see docs/operations.md for an example",
        "fr": "indentez les clés d'une section sous celle-ci ; voyez docs/operations.md pour un "
        "exemple",
    },
    "config.zone": {
        "en": "'timezone' must be a known time zone, not '{zone}'",
        "fr": "'timezone' doit être un fuseau horaire connu, pas '{zone}'",
    },
    "config.zone.hint": {
        "en": "use a name of the tz database, like Europe/Paris",
        "fr": "utilisez un nom de la base tz, comme Europe/Paris",
    },
    "config.country": {
        "en": "'country' must be a country code, not '{country}'",
        "fr": "'country' doit être un code de pays, pas '{country}'",
    },
    "config.country.hint": {
        "en": "an ISO 3166 code, like FR or BE",
        "fr": "un code ISO 3166, comme FR ou BE",
    },
    "config.proxy": {
        "en": "'{entry}' in 'trusted_proxies' is neither an IP address nor a network",
        "fr": "'{entry}' dans 'trusted_proxies' n'est ni une adresse IP ni un réseau",
    },
    "config.proxy.hint": {
        "en": "write the proxy's address (127.0.0.1, ::1) or its network (10.0.0.0/8)",
        "fr": "écrivez l'adresse du proxy (127.0.0.1, ::1) ou son réseau (10.0.0.0/8)",
    },
    "config.connector_type": {
        "en": "connector type '{kind}' is not available in this release",
        "fr": "le type de connecteur '{kind}' n'est pas disponible dans cette version",
    },
    "config.available.hint": {"en": "available: {names}", "fr": "disponibles : {names}"},
    "config.port": {
        "en": "'{key}' has port {port}, above 65535",
        "fr": "'{key}' a le port {port}, au-delà de 65535",
    },
    "config.port.hint": {"en": "pick a port up to 65535", "fr": "choisissez un port jusqu'à 65535"},
    "config.default_listen": {
        "en": "{value} (the default listen)",
        "fr": "{value} (l'adresse d'écoute par défaut)",
    },
    "config.listens": {
        "en": "{what} is where {other} listens already: one address, one listener",
        "fr": "{other} écoute déjà sur {what} : une adresse, un seul écouteur",
    },
    "config.listens.hint": {
        "en": "give each its own port",
        "fr": "donnez à chacun son propre port",
    },
    "config.connectors.hint": {"en": "connectors: {names}", "fr": "connecteurs : {names}"},
    "config.add_connector.hint": {
        "en": "add it under 'connectors:'",
        "fr": "ajoutez-le sous 'connectors:'",
    },
    "config.no_connector": {
        "en": "number {address} uses connector '{connector}', which is not defined",
        "fr": "le numéro {address} utilise le connecteur '{connector}', qui n'est pas défini",
    },
    "config.notify_twice": {
        "en": "{url} is in notify: twice",
        "fr": "{url} figure deux fois dans notify:",
    },
    "config.notify_twice.hint": {
        "en": "list each URL once, with all the events it takes in its events:",
        "fr": "listez chaque URL une fois, avec tous les événements qu'elle reçoit dans son "
        "events:",
    },
    "config.modem_number": {
        "en": "modem connector '{name}' needs exactly one number of its own{found}",
        "fr": "le connecteur modem '{name}' requiert exactement un numéro à lui{found}",
    },
    "config.found": {"en": " (found {n})", "fr": " ({n} trouvés)"},
    "config.modem_number.hint": {
        "en": 'add the SIM\'s number: numbers: {"+33612345678": {connector: {name}, kind: '
        "long_code, throughput: 1/s}}",
        "fr": 'ajoutez le numéro de la SIM : numbers: {"+33612345678": {connector: {name}, kind: '
        "long_code, throughput: 1/s}}",
    },
    "config.modem_alpha": {
        "en": "number {address} is alphanumeric, but a modem sends from its SIM's number",
        "fr": "le numéro {address} est alphanumérique, mais un modem envoie depuis le numéro de "
        "sa SIM",
    },
    "config.modem_alpha.hint": {
        "en": "write kind: long_code (the SIM's number), or use an SMPP connector",
        "fr": "écrivez kind: long_code (le numéro de la SIM), ou utilisez un connecteur SMPP",
    },
    "config.jsonl_remote": {
        "en": "connector '{name}' listens on {host}, which other machines can reach: anyone there "
        "could send SMS through it",
        "fr": "le connecteur '{name}' écoute sur {host}, que d'autres machines peuvent joindre : "
        "n'importe qui là-bas pourrait envoyer des SMS par lui",
    },
    "config.jsonl_remote.hint": {
        "en": "keep it on 127.0.0.1, or set allow_remote: true and token: env:NAME (each peer "
        "then sends that token first)",
        "fr": "gardez-le sur 127.0.0.1, ou définissez allow_remote: true et token: env:NOM "
        "(chaque pair envoie alors d'abord ce jeton)",
    },
    "config.jsonl_token": {
        "en": "connector '{name}' listens on {host}: it needs a token read from the environment",
        "fr": "le connecteur '{name}' écoute sur {host} : il lui faut un jeton lu dans "
        "l'environnement",
    },
    "config.jsonl_token.hint": {
        "en": 'set token: env:NAME; each peer sends it first in {"type": "auth", "token": …}',
        "fr": "définissez token: env:NOM ; chaque pair l'envoie d'abord dans "
        '{"type": "auth", "token": …}',
    },
    "E601.not_a_name": {
        "en": "'{value}' does not name an environment variable",
        "fr": "'{value}' ne nomme pas une variable d'environnement",
    },
    "E601.not_a_name.hint": {
        "en": "write env: then the variable's name, like env:SMPP_PASSWORD",
        "fr": "écrivez env: puis le nom de la variable, comme env:SMPP_PASSWORD",
    },
    "E601.unset": {
        "en": "environment variable {name} is not set",
        "fr": "la variable d'environnement {name} n'est pas définie",
    },
    "E601.unset.hint": {
        "en": "set {name} in the engine's environment (systemd: Environment= or EnvironmentFile=), "
        "or write the value itself",
        "fr": "définissez {name} dans l'environnement du moteur (systemd : Environment= ou "
        "EnvironmentFile=), ou écrivez la valeur elle-même",
    },
    "config.read_from": {
        "en": "{message} (read from {secret})",
        "fr": "{message} (lu depuis {secret})",
    },
    "http.twilio_needs": {
        "en": "preset twilio needs {keys}",
        "fr": "le préréglage twilio requiert {keys}",
    },
    "http.twilio_needs.hint": {
        "en": "add account_sid: ACxxxxxxxx and auth_token: env:TWILIO_AUTH_TOKEN",
        "fr": "ajoutez account_sid: ACxxxxxxxx et auth_token: env:TWILIO_AUTH_TOKEN",
    },
    "http.status_callback": {
        "en": "status_callback needs public_url: the URL Twilio posts the statuses to",
        "fr": "status_callback requiert public_url : l'URL où Twilio poste les statuts",
    },
    "http.status_callback.hint": {
        "en": "add public_url: https://sms.example.com/hooks/NAME",
        "fr": "ajoutez public_url: https://sms.example.com/hooks/NOM",
    },
    "http.outbound_url": {
        "en": "an http connector needs outbound.url: where its messages are sent",
        "fr": "un connecteur http requiert outbound.url : là où ses messages sont envoyés",
    },
    "http.outbound_url.hint": {
        "en": "add outbound: {url: https://api.example.com/v1/messages}",
        "fr": "ajoutez outbound: {url: https://api.example.com/v1/messages}",
    },
    "http.not_a_url": {
        "en": "{key} must be an http:// or https:// URL, not '{value}'",
        "fr": "{key} doit être une URL http:// ou https://, pas '{value}'",
    },
    "http.not_a_url.hint": {
        "en": "write it like https://{example}",
        "fr": "écrivez-la comme https://{example}",
    },
    "smpp.password": {"en": "the SMPP password", "fr": "le mot de passe SMPP"},
    "smpp.key": {"en": "{key} '{value}'", "fr": "{key} '{value}'"},
    "smpp.ascii": {
        "en": "{what} is not printable ASCII",
        "fr": "{what} n'est pas de l'ASCII imprimable",
    },
    "smpp.ascii.hint": {
        "en": "SMPP sends it as ASCII: use letters, digits and punctuation only",
        "fr": "SMPP l'envoie en ASCII : n'utilisez que des lettres, des chiffres et de la "
        "ponctuation",
    },
    "smpp.long": {
        "en": "{what} is longer than SMPP's {limit} characters",
        "fr": "{what} dépasse les {limit} caractères de SMPP",
    },
    "smpp.long.hint": {
        "en": "the SMSC gives a {what} of at most {limit} characters",
        "fr": "le SMSC donne un {what} de {limit} caractères au plus",
    },
    "config.listen": {
        "en": "listen address '{value}' must look like 127.0.0.1:8080",
        "fr": "l'adresse d'écoute '{value}' doit ressembler à 127.0.0.1:8080",
    },
    "config.env_unset": {
        "en": "environment variable {name} is not set (needed by '{value}')",
        "fr": "la variable d'environnement {name} n'est pas définie (requise par '{value}')",
    },
    "config.rate": {
        "en": "throughput '{raw}' is not a rate; write it like 100/s or 30/min",
        "fr": "le débit '{raw}' n'est pas un débit ; écrivez-le comme 100/s ou 30/min",
    },
    "config.workers_memory": {
        "en": "'workers' above 1 needs a store file: each process of a store in memory has its own",
        "fr": "'workers' au-delà de 1 demande un fichier de store : chaque processus d'un store "
        "en mémoire a le sien",
    },
    "config.workers_memory.hint": {
        "en": "set store: to a file path, or workers: 1",
        "fr": "donnez à store: un chemin de fichier, ou workers: 1",
    },
    "config.workers_smpp": {
        "en": "'workers' above 1 needs an smpp connector: only smpp connectors run in every "
        "worker, the others in worker 1",
        "fr": "'workers' au-delà de 1 demande un connecteur smpp : seuls les connecteurs smpp "
        "tournent dans chaque worker, les autres dans le worker 1",
    },
    "config.workers_smpp.hint": {
        "en": "add an smpp connector, or set workers: 1",
        "fr": "ajoutez un connecteur smpp, ou mettez workers: 1",
    },
}
