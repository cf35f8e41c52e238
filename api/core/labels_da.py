"""Danish labels for documents the server renders for people (case files, access exports, print pages); the
same words as the UI's (frontend/src/lib/i18n/da-*.ts)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from api.core.timeutil import LOCAL_TZ, as_utc

CLASSIFICATION = {
    "conflict": "Konflikt",
    "teasing": "Drilleri",
    "bullying": "Mobning",
    "digital_bullying": "Digital mobning",
    "exclusion": "Udelukkelse",
    "wellbeing_concern": "Mistrivsel",
    "value_rule_breach": "Brud på værdiregler",
}
ROLE = {"target": "udsat", "actor": "udøver", "bystander": "tilskuer", "supporter": "medløber"}
STATUS = {
    "open": "Åben",
    "investigating": "Undersøges",
    "action_plan": "Handlingsplan",
    "monitoring": "Følges",
    "closed": "Lukket",
}
AUDIENCE = {
    "students": "De involverede elever",
    "class": "Resten af klassen/gruppen",
    "parents": "Forældrene",
    "staff": "Medarbejdergruppen",
    "leadership": "Skoleledelsen",
}
METHOD = {"meeting": "møde", "phone": "telefon", "letter": "brev", "aula_message": "Aula-besked"}
FOLLOW_UP = {"stopped": "stoppet", "decreased": "aftaget", "continued": "fortsat"}
PARTNER = {
    "school_psychologist": "Skolepsykolog (PPR)",
    "inclusion_consultant": "Inklusionskonsulent",
    "ssp": "SSP",
    "interdisciplinary_forum": "Tværfagligt forum",
    "other": "Anden partner",
}
COMPLAINT_STATUS = {
    "received": "Modtaget",
    "decided": "Afgjort af kommunen",
    "answered": "Klagerens bemærkninger modtaget",
    "forwarded": "Videresendt til den nationale klageinstans",
    "closed": "Afsluttet",
}
DECISION = {"upheld": "Klagen gives medhold", "partly_upheld": "Delvis medhold", "rejected": "Afvist"}
MOOD = {1: "Meget ked af det", 2: "Ked af det", 3: "Neutral", 4: "Glad", 5: "Meget glad"}


def other_child(role: str | None) -> str:
    """How another child appears in a document about one child: by role only ("anden elev, udøver")."""
    return f"anden elev, {ROLE.get(role or '', 'involveret')}"


def day(value: date | None) -> str:
    """A day as Danes write it."""
    return value.strftime("%d.%m.%Y") if value else "—"


def moment(value: datetime | None) -> str:
    """A moment in Copenhagen time."""
    return as_utc(value).astimezone(LOCAL_TZ).strftime("%d.%m.%Y kl. %H.%M") if value else "—"


def label(table: dict[Any, str], value: Any) -> str:
    """The label of a value, or the value itself."""
    return table.get(value, str(value)) if value is not None else "—"
