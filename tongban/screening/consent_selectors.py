"""Reads for the consent pages: documents and their versions, a person's consents as the
gate sees them (the panel), and the people who must sign a new version again.

Whether a signature counts on a day is the gate's rule (`gate.counting_versions`,
`gate.valid_consents`); these reads only say it in words. A signature on version v stops
counting on the earliest `reconsent_required_from` of the versions after v (the gate
counts a version only when no later one requiring re-consent has reached its date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tongban.core import audit, scope
from tongban.registry.models import CaregiverLink, Enrolment, Person, Program

from . import gate
from .models import (
    REQUIRED_CONSENTS,
    Candidate,
    Consent,
    ConsentDocument,
    ConsentKind,
    Stage,
)

CAREGIVER = "caregiver"  # the key of REQUIRED_CONSENTS for caregivers (not an enrolment role)


def _today() -> date:
    return timezone.localdate()


def roles_needing(kind: str) -> list[str]:
    """The roles (peer, consumer, caregiver) that must hold a consent of `kind`."""
    return [role for role, kinds in REQUIRED_CONSENTS.items() if kind in kinds]


# Documents ---------------------------------------------------------------------------------


def documents(user) -> QuerySet[ConsentDocument]:
    """Every version of the user's program's documents; none for peers."""
    program = scope.program(user)
    if program is None or user.is_peer:
        return ConsentDocument.objects.none()
    return ConsentDocument.objects.filter(program=program)


def document_get(user, pk: int) -> ConsentDocument:
    """A document version of the user's program, else 404."""
    return get_object_or_404(documents(user).select_related("program", "created_by__person"), pk=pk)


def in_use(versions: list[ConsentDocument], on: date) -> ConsentDocument | None:
    """The version in use on `on`: the newest already in use by then (versions of one kind)."""
    started = [d for d in versions if d.effective_from <= on]
    return max(started, key=lambda d: d.version) if started else None


def stops_counting(version: int, versions: list[ConsentDocument]) -> ConsentDocument | None:
    """Of `versions` (one kind), the later version whose re-consent date first ends a
    signature on `version` (None: it never stops counting)."""
    later = [d for d in versions if d.version > version and d.reconsent_required_from]
    if not later:
        return None
    return min(later, key=lambda d: (d.reconsent_required_from, d.version))


@dataclass
class KindRow:
    """One kind of document: the version in use, and the others (newest first)."""

    kind: str
    label: str
    current: ConsentDocument | None
    others: list[ConsentDocument]
    upcoming: list[ConsentDocument]


def document_rows(user) -> list[KindRow]:
    """Each kind with its versions, each version with `signed`: how many people within the
    user's communities hold a signature on it (not voided). One query."""
    today = _today()
    people = scope.people(user).values("pk")
    counted = (
        documents(user)
        .select_related("created_by__person")
        .annotate(
            signed=Count(
                "consents__person",
                filter=Q(consents__voided_at__isnull=True, consents__person__in=people),
                distinct=True,
            )
        )
        .order_by("kind", "-version")
    )
    by_kind: dict[str, list[ConsentDocument]] = {}
    for document in counted:
        by_kind.setdefault(document.kind, []).append(document)
    rows = []
    for kind in ConsentKind:
        versions = by_kind.get(kind.value, [])
        current = in_use(versions, today)
        rows.append(
            KindRow(
                kind=kind.value,
                label=str(kind.label),
                current=current,
                others=[d for d in versions if d != current and d.effective_from <= today],
                upcoming=[d for d in versions if d.effective_from > today],
            )
        )
    return rows


def document_signed_count(user, document: ConsentDocument) -> int:
    people = scope.people(user).values("pk")
    return (
        Consent.objects.current()
        .filter(document=document, person__in=people)
        .values("person")
        .distinct()
        .count()
    )


def latest_document(program: Program, kind: str) -> ConsentDocument | None:
    return ConsentDocument.objects.filter(program=program, kind=kind).order_by("-version").first()


def document_history(document: ConsentDocument) -> list[audit.AuditEntry]:
    return audit.audit_entries(
        ConsentDocument.history.filter(id=document.pk).select_related("history_user__person"),
        model=ConsentDocument,
        subject=lambda _record: str(ConsentDocument._meta.verbose_name),
        hidden_fields=("program", "kind", "version", "body", "body_en"),
    )


# Consents ----------------------------------------------------------------------------------


def consents(user) -> QuerySet[Consent]:
    return Consent.objects.visible_to(user)


def consent_get(user, pk: int) -> Consent:
    """A consent of a person the user may see (voided ones too), else 404."""
    queryset = consents(user).select_related(
        "person",
        "document__program",
        "recorded_by__person",
        "voided_by__person",
    )
    return get_object_or_404(queryset, pk=pk)


def person_get(user, pk: int) -> Person:
    """A person the user may see, else 404 (peers are refused before this)."""
    return get_object_or_404(scope.people(user).select_related("program"), pk=pk)


def consent_history(consent: Consent) -> list[audit.AuditEntry]:
    return audit.audit_entries(
        Consent.history.filter(id=consent.pk).select_related("history_user__person"),
        model=Consent,
        subject=lambda _record: str(Consent._meta.verbose_name),
        hidden_fields=("person",),
    )


def person_roles(user, person: Person) -> list[str]:
    """The roles of `person` that call for consents, within the user's communities: peer or
    consumer in service or as an open candidate, and caregiver of someone in service."""
    communities = scope.communities(user)
    enrolled = set(
        Enrolment.objects.in_service()
        .filter(person=person, community__in=communities)
        .values_list("role", flat=True)
    )
    candidate = set(
        _open_candidacies()
        .filter(person=person, community__in=communities)
        .values_list("role", flat=True)
    )
    roles = [r for r in Enrolment.Role.values if r in enrolled | candidate]
    in_service = Enrolment.objects.in_service().filter(community__in=communities)
    if CaregiverLink.objects.filter(
        caregiver=person, cared_for__in=in_service.values("person_id")
    ).exists():
        roles.append(CAREGIVER)
    return roles


def _open_candidacies() -> QuerySet[Candidate]:
    """Candidacies still moving towards enrolment (not enrolled, screened out or closed)."""
    return Candidate.objects.filter(enrolment__isnull=True, closed_on__isnull=True).exclude(
        stage=Stage.SCREENED_OUT
    )


def withdrawal_effect(user, consent: Consent) -> tuple[list[Enrolment], bool]:
    """What withdrawing `consent` today would do (shown before the user confirms): the
    enrolments in the user's communities it would end, and whether another signature of
    the kind still holds (then it ends none). The service decides on the day chosen."""
    today = _today()
    program = consent.document.program
    kind = consent.document.kind
    counting = gate.counting_versions(program, today)
    kept = (
        gate.valid_consents(program, kind, today, counting)
        .filter(person=consent.person_id)
        .exclude(pk=consent.pk)
        .exists()
    )
    enrolments = list(
        Enrolment.objects.in_service()
        .filter(
            person=consent.person_id,
            role__in=roles_needing(kind),
            community__in=scope.communities(user),
        )
        .select_related("community")
        .order_by("community__name", "role")
    )
    return ([] if kept else enrolments), kept


class Status:
    SIGNED = "signed"
    OLDER = "older"  # signed an older version that stops counting on a date to come
    LAPSED = "lapsed"  # signed an older version that no longer counts
    WITHDRAWN = "withdrawn"
    MISSING = "missing"


@dataclass
class KindStatus:
    """Where a person stands for one kind of consent, today, as the gate sees it."""

    kind: str
    label: str
    status: str
    consent: Consent | None = None  # the signature the status is about
    must_sign: ConsentDocument | None = None  # the version to sign again
    stops_on: date | None = None  # when the older signature stops (stopped) counting
    required: bool = True  # by one of the person's roles (else: a record they hold)


@dataclass
class Panel:
    person: Person
    roles: list[str]
    kinds: list[KindStatus]
    records: list[Consent] = field(default_factory=list)
    can_record: bool = False  # set by the page: may the user record and withdraw


def panel(user, person: Person, role: str | None = None) -> Panel:
    """The consent panel of a person: each kind their role (or roles) require, and any
    other kind they hold, with its status today; and all their consent records."""
    today = _today()
    program = person.program
    roles = [role] if role else person_roles(user, person)
    required = {kind for r in roles for kind in REQUIRED_CONSENTS.get(r, ())}
    records = list(
        Consent.objects.filter(person=person)
        .select_related("document", "recorded_by__person")
        .order_by("-signed_on", "-pk")
    )
    held = {c.document.kind for c in records if not c.is_voided}
    all_versions = list(ConsentDocument.objects.filter(program=program))
    counting = gate.counting_versions(program, today)
    kinds: list[KindStatus] = []
    for kind in ConsentKind:
        if kind.value not in required and kind.value not in held:
            continue
        versions = [d for d in all_versions if d.kind == kind.value]
        valid_pks = set(
            gate.valid_consents(program, kind.value, today, counting)
            .filter(person=person)
            .values_list("pk", flat=True)
        )
        kinds.append(
            _kind_status(
                kind,
                versions=versions,
                records=[c for c in records if c.document.kind == kind.value],
                valid_pks=valid_pks,
                today=today,
                required=kind.value in required,
            )
        )
    return Panel(person=person, roles=roles, kinds=kinds, records=records)


def _kind_status(
    kind: ConsentKind,
    *,
    versions: list[ConsentDocument],
    records: list[Consent],
    valid_pks: set[int],
    today: date,
    required: bool,
) -> KindStatus:
    found = KindStatus(kind=kind.value, label=str(kind.label), status=Status.MISSING)
    found.required = required
    current = [c for c in records if not c.is_voided]
    valid = sorted(
        (c for c in current if c.pk in valid_pks),
        key=lambda c: (c.document.version, c.signed_on, c.pk),
        reverse=True,
    )
    using = in_use(versions, today)
    if valid:
        consent = valid[0]
        found.consent = consent
        ending = stops_counting(consent.document.version, versions)
        if ending is None:
            found.status = Status.SIGNED
        else:
            found.status = Status.OLDER
            found.stops_on = ending.reconsent_required_from
            found.must_sign = (
                using if using and using.version > consent.document.version else ending
            )
        return found
    held = [c for c in current if c.withdrawn_on is None and c.signed_on <= today]
    if held:
        consent = max(held, key=lambda c: (c.document.version, c.signed_on, c.pk))
        ending = stops_counting(consent.document.version, versions)
        found.consent = consent
        found.status = Status.LAPSED
        found.stops_on = ending.reconsent_required_from if ending else None
        found.must_sign = using
        return found
    withdrawn = [c for c in current if c.withdrawn_on is not None]
    if withdrawn:
        found.consent = max(withdrawn, key=lambda c: (c.withdrawn_on, c.pk))
        found.status = Status.WITHDRAWN
        found.must_sign = using  # should they come back
        return found
    found.must_sign = using
    return found


def person_candidacies(user, person: Person) -> QuerySet[Candidate]:
    """The person's candidacies in the user's communities (none for peers)."""
    return (
        Candidate.objects.visible_to(user)
        .filter(person=person)
        .select_related("community")
        .order_by("-recommended_on", "-pk")
    )


# Re-consent --------------------------------------------------------------------------------


@dataclass
class ReconsentRow:
    person_pk: int
    name: str
    version: int
    signed_on: date | None


@dataclass
class ReconsentGroup:
    """People whose signature on an earlier version `document` ends (see module doc)."""

    document: ConsentDocument
    must_sign: ConsentDocument
    passed: bool
    rows: list[ReconsentRow] = field(default_factory=list)


def _relevant(user, kind: str) -> Q:
    """People who must hold `kind` in the user's communities: in service or candidates in
    a role that needs it, or caregivers of someone in service."""
    communities = scope.communities(user)
    roles = roles_needing(kind)
    in_service = Enrolment.objects.in_service().filter(community__in=communities)
    found = Q(Exists(in_service.filter(person=OuterRef("pk"), role__in=roles))) | Q(
        Exists(
            _open_candidacies().filter(
                person=OuterRef("pk"), community__in=communities, role__in=roles
            )
        )
    )
    if CAREGIVER in roles:
        cares = CaregiverLink.objects.filter(
            caregiver=OuterRef("pk"), cared_for__in=in_service.values("person_id")
        )
        found |= Q(Exists(cares))
    return found


def reconsent(user) -> list[ReconsentGroup]:
    """For each version that requires re-consent, the people (in the user's communities,
    in service or candidates) whose newest signature of that kind is on an earlier version
    whose counting it ends first. Two queries, whatever the number of people."""
    today = _today()
    all_versions = list(documents(user).order_by("kind", "version"))
    by_kind: dict[str, list[ConsentDocument]] = {}
    for document in all_versions:
        by_kind.setdefault(document.kind, []).append(document)
    kinds = [k for k, vs in by_kind.items() if any(d.reconsent_required_from for d in vs)]
    if not kinds:
        return []
    people = scope.people(user)
    wanted = Q()
    for kind in kinds:
        newest_rule = max(d.version for d in by_kind[kind] if d.reconsent_required_from)
        held = (
            Consent.objects.current()
            .filter(person=OuterRef("pk"), document__kind=kind, withdrawn_on__isnull=True)
            .order_by("-document__version", "-signed_on", "-pk")
        )
        people = people.annotate(
            **{
                f"held_{kind}": Subquery(held.values("document__version")[:1]),
                f"signed_{kind}": Subquery(held.values("signed_on")[:1]),
            }
        )
        wanted |= Q(**{f"held_{kind}__lt": newest_rule}) & _relevant(user, kind)
    rows = list(people.filter(wanted).order_by("name", "pk"))
    groups: dict[int, ReconsentGroup] = {}
    for kind in kinds:
        versions = by_kind[kind]
        using = in_use(versions, today)
        for document in versions:
            if document.reconsent_required_from:
                must = using if using and using.version > document.version else document
                groups[document.pk] = ReconsentGroup(
                    document=document,
                    must_sign=must,
                    passed=document.reconsent_required_from <= today,
                )
        for person in rows:
            version = getattr(person, f"held_{kind}")
            if version is None:
                continue
            ending = stops_counting(version, versions)
            if ending is None:
                continue
            groups[ending.pk].rows.append(
                ReconsentRow(
                    person_pk=person.pk,
                    name=person.name,
                    version=version,
                    signed_on=getattr(person, f"signed_{kind}"),
                )
            )
    order = {kind.value: i for i, kind in enumerate(ConsentKind)}
    return sorted(groups.values(), key=lambda g: (order[g.document.kind], -g.document.version))
