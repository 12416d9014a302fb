"""Own the words of the HTML report of `twoway report` in French, by their English words (its
template says ``{{ _("Polls") }}``; ``engine.report.html`` and ``charts`` look the French up
here). A template's word missing here fails ``tests/i18n/test_report_words.py``."""

from __future__ import annotations

__all__ = ["REPORT"]

REPORT: dict[str, str] = {
    # --- the page -------------------------------------------------------------------------------
    "twoway report": "rapport twoway",
    "Generated": "Généré le",
    "Polls": "Sondages",
    "Surveys": "Questionnaires",
    "Flows": "Parcours",
    "Campaigns": "Campagnes",
    "Replies over time": "Réponses dans le temps",
    "votes": "votes",
    "voters": "votants",
    "refused: second vote": "refusés : second vote",
    "refused: closed": "refusés : clos",
    "refused: not open yet": "refusés : pas encore ouvert",
    "choice": "choix",
    "label": "libellé",
    "share": "part",
    "No polls.": "Aucun sondage.",
    "respondents": "répondants",
    "completed": "terminés",
    "completion rate": "taux de complétion",
    "No answers yet.": "Aucune réponse pour l'instant.",
    "No surveys.": "Aucun questionnaire.",
    "started": "commencées",
    "active": "actives",
    "hand-offs": "transferts",
    "ended by": "terminées par",
    "sessions": "sessions",
    "No flows.": "Aucun parcours.",
    "recipients": "destinataires",
    "sent": "envoyés",
    "delivered": "remis",
    "failed": "échoués",
    "held": "retenus",
    "replied": "ont répondu",
    "opted out": "désinscrits",
    "response rate": "taux de réponse",
    "No campaigns.": "Aucune campagne.",
    "messages received": "messages reçus",
    "per": "par",
    "No messages received.": "Aucun message reçu.",
    # --- a campaign's status, the unit of the replies over time ----------------------------
    "running": "en cours",
    "paused": "en pause",
    "cancelled": "annulée",
    "done": "terminée",
    "hour": "heure",
    "day": "jour",
    "month": "mois",
    # --- the charts -------------------------------------------------------------------------
    "Votes per choice": "Votes par choix",
    "answers": "réponses",
    "Funnel": "Entonnoir",
    "messages": "messages",
    "Messages received per hour": "Messages reçus par heure",
    "Messages received per day": "Messages reçus par jour",
    "Messages received per month": "Messages reçus par mois",
    "(none)": "(aucune)",
    "yes": "oui",
    "no": "non",
}
