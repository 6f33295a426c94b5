"""ELAN annotation files (EAF): export as EAF 3.0, import EAF 2.x and 3.0.

Export (:func:`write_eaf`) builds the document with pympi-ling and sets it to EAF 3.0
(pympi writes 2.8 unless told): one tier per coder and kind, named ``<kind>@<coder>``,
with ANNOTATOR (the coder) and PARTICIPANT (``infant`` or ``parent``); one controlled
vocabulary per kind whose CV_ENTRY_ML ids are the scheme's code ids (each value the code,
its description the label); every annotation carries its CVE_REF; the clip is the media
descriptor. ELAN cannot hold a zero-length annotation, so a point event is written
``POINT_DURATION_MS`` (1 ms) long and listed in the header property
``attune:annotations`` (a JSON object per annotation id: the event's id, ``answers``
link, note, modifiers and ``point``), which makes the round trip exact. A scheme's
modifiers (``modality=voice``) are also written as ELAN users read them: a dependent tier
per modifier, ``<kind>@<coder>:<name>`` (symbolic association with the event's tier),
whose annotation values are the chosen values; on reading attune's own file these tiers
decide the named modifiers, so a value changed or removed in ELAN comes back changed.
The output validates against EAFv3.0.xsd.

Import (:func:`read_eaf`) parses the XML safely (:mod:`attune.interchange.xmltree`) and
applies a :class:`~attune.interchange.mapping.Mapping` from tiers to kinds and codes
(files written by attune need none). Times of unaligned time slots are interpolated
evenly between the aligned slots around them on the same tier, as ELAN shows them;
annotations on reference tiers (symbolic association, symbolic subdivision) take their
times from the parent annotation, a subdivision sharing the parent's span evenly.
External controlled vocabularies (``.ecv``) are read when the file sits next to the EAF
(same name, or a name ending in ``_<name>``); otherwise annotation values stand in.

:func:`read_eaf_segments` gives the raw speech segments the way ChildProject's
``EafConverter`` derives them (speaker tiers, ``vcm@``/``lex@``/``mwu@``/``xds@``
dependent tiers), for checking against its published test truth.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

import pandas as pd

from attune.core import modifiers as mods
from attune.core.scheme import EventKind, Scheme
from attune.errors import InputError
from attune.interchange.mapping import GENERIC_MAPPING, Mapping, TierRule
from attune.interchange.model import (
    DEFAULT_MAX_BYTES,
    ClipInfo,
    EventDraft,
    EventsDocument,
    build_document,
    read_limited,
    write_atomic,
)
from attune.interchange.xmltree import Node, parse_xml

POINT_DURATION_MS = 1
EAF_VERSION = "3.0"
ATTUNE_PROPERTY = "attune:annotations"
PARTICIPANT = {EventKind.CUE: "infant", EventKind.RESPONSE: "parent",
               EventKind.REACTION: "infant"}
MODIFIER_TYPE = "attune modifier"  # the linguistic type of the modifier tiers


# --- the raw file ------------------------------------------------------------------------

@dataclass
class EafAnnotation:
    id: str
    line: int
    value: str
    cve_ref: str | None = None
    ts1: str | None = None  # alignable annotations
    ts2: str | None = None
    ref: str | None = None  # reference annotations
    previous: str | None = None

    @property
    def is_reference(self) -> bool:
        return self.ref is not None


@dataclass
class EafTier:
    id: str
    line: int
    linguistic_type: str
    parent: str | None
    participant: str
    annotator: str
    annotations: list[EafAnnotation] = field(default_factory=list)


@dataclass
class EafFile:
    """What an EAF file holds, as far as events need it."""

    name: str
    version: str
    timeslots: dict[str, int | None]
    tiers: dict[str, EafTier]
    linguistic_types: dict[str, dict[str, str]]
    vocabularies: dict[str, dict[str, str]]  # CV id -> entry id -> value
    properties: dict[str, str]
    media_urls: list[str]
    annotations: dict[str, tuple[EafTier, EafAnnotation]]

    def tier_vocabulary(self, tier: EafTier) -> dict[str, str]:
        lt = self.linguistic_types.get(tier.linguistic_type, {})
        return self.vocabularies.get(lt.get("CONTROLLED_VOCABULARY_REF", ""), {})


def _ecv_entries(root: Node) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for cv in root.findall("CONTROLLED_VOCABULARY"):
        entries: dict[str, str] = {}
        for entry in cv.findall("CV_ENTRY_ML"):
            values = entry.findall("CVE_VALUE")
            entries[entry.attrib.get("CVE_ID", "")] = values[0].text if values else ""
        for i, entry in enumerate(cv.findall("CV_ENTRY")):  # EAF 2.x
            entries[entry.attrib.get("CVE_ID", f"cve{i}")] = entry.text
        out[cv.attrib.get("CV_ID", "")] = entries
    return out


def _local_ecv(eaf_path: Path | None, url: str) -> Path | None:
    """The .ecv file next to the EAF that ``url`` names, when present."""
    if eaf_path is None or not url:
        return None
    base = os.path.basename(unquote(urlparse(url).path))
    if not base:
        return None
    folder = eaf_path.parent
    exact = folder / base
    if exact.is_file():
        return exact
    candidates = sorted(folder.glob(f"*_{base}"))
    return candidates[0] if len(candidates) == 1 else None


def parse_eaf(data: bytes, name: str, path: Path | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> EafFile:
    """Parse an EAF document; errors name the line and element that are wrong."""
    root = parse_xml(data, name)
    if root.tag != "ANNOTATION_DOCUMENT":
        raise InputError(f"{name}, line {root.line}: the root element is <{root.tag}>, not "
                         "<ANNOTATION_DOCUMENT>; this is not an ELAN .eaf file.")
    version = root.attrib.get("VERSION", root.attrib.get("FORMAT", ""))
    header = root.find("HEADER")
    units = header.attrib.get("TIME_UNITS", "milliseconds") if header else "milliseconds"
    if units != "milliseconds":
        raise InputError(f"{name}, line {header.line if header else 0}: TIME_UNITS is "
                         f"{units!r}; only milliseconds are supported.")
    media_urls: list[str] = []
    properties: dict[str, str] = {}
    if header is not None:
        for md in header.findall("MEDIA_DESCRIPTOR"):
            url = md.attrib.get("RELATIVE_MEDIA_URL") or md.attrib.get("MEDIA_URL", "")
            media_urls.append(url)
        for prop in header.findall("PROPERTY"):
            properties[prop.attrib.get("NAME", "")] = prop.text
    timeslots: dict[str, int | None] = {}
    order = root.find("TIME_ORDER")
    for ts in order.findall("TIME_SLOT") if order is not None else []:
        tid = ts.attrib.get("TIME_SLOT_ID")
        if not tid:
            raise InputError(f"{name}, line {ts.line}: a TIME_SLOT has no TIME_SLOT_ID.")
        raw = ts.attrib.get("TIME_VALUE")
        if raw is None:
            timeslots[tid] = None
            continue
        try:
            value = int(raw.strip())
        except ValueError:
            raise InputError(f"{name}, line {ts.line}: TIME_SLOT {tid} has TIME_VALUE "
                             f"{raw!r}, not whole milliseconds.") from None
        if value < 0:
            raise InputError(f"{name}, line {ts.line}: TIME_SLOT {tid} is negative ({value}).")
        timeslots[tid] = value
    linguistic_types = {lt.attrib.get("LINGUISTIC_TYPE_ID", ""): lt.attrib
                        for lt in root.findall("LINGUISTIC_TYPE")}
    vocabularies = _ecv_entries(root)
    external = {er.attrib.get("EXT_REF_ID", ""): er.attrib
                for er in root.findall("EXTERNAL_REF")}
    for cv in root.findall("CONTROLLED_VOCABULARY"):
        ext = cv.attrib.get("EXT_REF")
        cv_id = cv.attrib.get("CV_ID", "")
        if ext and ext in external and external[ext].get("TYPE") == "ecv":
            ecv = _local_ecv(path, external[ext].get("VALUE", ""))
            if ecv is not None:
                ecv_root = parse_xml(read_limited(ecv, max_bytes), ecv.name)
                vocabularies.setdefault(cv_id, {}).update(_ecv_entries(ecv_root).get(cv_id, {}))
    tiers: dict[str, EafTier] = {}
    annotations: dict[str, tuple[EafTier, EafAnnotation]] = {}
    for t in root.findall("TIER"):
        tid = t.attrib.get("TIER_ID")
        if not tid:
            raise InputError(f"{name}, line {t.line}: a TIER has no TIER_ID.")
        if tid in tiers:
            raise InputError(f"{name}, line {t.line}: tier {tid!r} appears twice.")
        tier = EafTier(tid, t.line, t.attrib.get("LINGUISTIC_TYPE_REF", ""),
                       t.attrib.get("PARENT_REF"), t.attrib.get("PARTICIPANT", ""),
                       t.attrib.get("ANNOTATOR", ""))
        for a in t.findall("ANNOTATION"):
            for inner in a.children:
                ann = _annotation(inner, name, tid, timeslots)
                if ann.id in annotations:
                    raise InputError(f"{name}, line {inner.line}: annotation id {ann.id!r} "
                                     "is used twice.")
                tier.annotations.append(ann)
                annotations[ann.id] = (tier, ann)
        tiers[tid] = tier
    for tier in tiers.values():
        if tier.parent is not None and tier.parent not in tiers:
            raise InputError(f"{name}, line {tier.line}: tier {tier.id!r} has parent "
                             f"{tier.parent!r}, which is not in the file.")
        for ann in tier.annotations:
            if ann.ref is not None and ann.ref not in annotations:
                raise InputError(f"{name}, line {ann.line}: annotation {ann.id} refers to "
                                 f"{ann.ref!r}, which is not in the file.")
    return EafFile(name, version, timeslots, tiers, linguistic_types, vocabularies,
                   properties, media_urls, annotations)


def _annotation(node: Node, name: str, tier: str,
                timeslots: dict[str, int | None]) -> EafAnnotation:
    aid = node.attrib.get("ANNOTATION_ID")
    if not aid:
        raise InputError(f"{name}, line {node.line}: an annotation on tier {tier!r} has no "
                         "ANNOTATION_ID.")
    value_node = node.find("ANNOTATION_VALUE")
    value = value_node.text if value_node is not None else ""
    if node.tag == "ALIGNABLE_ANNOTATION":
        ts1, ts2 = node.attrib.get("TIME_SLOT_REF1"), node.attrib.get("TIME_SLOT_REF2")
        for ts in (ts1, ts2):
            if ts is None or ts not in timeslots:
                raise InputError(f"{name}, line {node.line}: annotation {aid} on tier "
                                 f"{tier!r} refers to time slot {ts!r}, which is not in "
                                 "TIME_ORDER.")
        return EafAnnotation(aid, node.line, value, node.attrib.get("CVE_REF"), ts1, ts2)
    if node.tag == "REF_ANNOTATION":
        ref = node.attrib.get("ANNOTATION_REF")
        if not ref:
            raise InputError(f"{name}, line {node.line}: reference annotation {aid} has no "
                             "ANNOTATION_REF.")
        return EafAnnotation(aid, node.line, value, node.attrib.get("CVE_REF"), ref=ref,
                             previous=node.attrib.get("PREVIOUS_ANNOTATION"))
    raise InputError(f"{name}, line {node.line}: unexpected <{node.tag}> in an ANNOTATION.")


# --- times -------------------------------------------------------------------------------

def resolve_times(eaf: EafFile) -> dict[str, tuple[int, int]]:
    """Start and end (ms) of every annotation, aligned, interpolated or inherited."""
    slot_time: dict[str, int] = {k: v for k, v in eaf.timeslots.items() if v is not None}
    for tier in eaf.tiers.values():
        sequence: list[str] = []
        for ann in tier.annotations:
            if ann.is_reference:
                continue
            for ts in (ann.ts1, ann.ts2):
                if ts is not None and (not sequence or sequence[-1] != ts):
                    sequence.append(ts)
        _interpolate(sequence, eaf.timeslots, slot_time)
    times: dict[str, tuple[int, int]] = {}
    for tier in eaf.tiers.values():
        for ann in tier.annotations:
            if not ann.is_reference and ann.ts1 is not None and ann.ts2 is not None:
                start, end = slot_time.get(ann.ts1, 0), slot_time.get(ann.ts2, 0)
                if end < start:
                    raise InputError(f"{eaf.name}, line {ann.line}: annotation {ann.id} on tier "
                                     f"{tier.id!r} ends ({end} ms) before it starts "
                                     f"({start} ms); fix its time slots in ELAN.")
                times[ann.id] = (start, end)
    # reference annotations: children of one parent annotation share its span in order
    children: dict[str, list[EafAnnotation]] = {}
    for tier in eaf.tiers.values():
        for ann in tier.annotations:
            if ann.ref is not None:
                children.setdefault(f"{tier.id}\x00{ann.ref}", []).append(ann)

    def span_of(aid: str, depth: int = 0) -> tuple[int, int]:
        if aid in times:
            return times[aid]
        if depth > 100:
            raise InputError(f"{eaf.name}: annotation {aid} refers in a loop; fix the file.")
        tier, ann = eaf.annotations[aid]
        assert ann.ref is not None
        start, end = span_of(ann.ref, depth + 1)
        group = _chain_order(children[f"{tier.id}\x00{ann.ref}"])
        n = len(group)
        for i, child in enumerate(group):
            times[child.id] = (start + (end - start) * i // n, start + (end - start) * (i + 1) // n)
        return times[aid]

    for aid, (_tier, ann) in eaf.annotations.items():
        if ann.is_reference:
            span_of(aid)
    return times


def _chain_order(group: list[EafAnnotation]) -> list[EafAnnotation]:
    """Order siblings by their PREVIOUS_ANNOTATION chain (document order if it is broken)."""
    if len(group) < 2:
        return group
    by_prev = {a.previous: a for a in group if a.previous}
    ids = {a.id for a in group}
    firsts = [a for a in group if not a.previous or a.previous not in ids]
    if len(firsts) != 1:
        return group
    ordered = [firsts[0]]
    while ordered[-1].id in by_prev and len(ordered) < len(group):
        ordered.append(by_prev[ordered[-1].id])
    return ordered if len(ordered) == len(group) else group


def _interpolate(sequence: list[str], raw: dict[str, int | None],
                 slot_time: dict[str, int]) -> None:
    """Give unaligned slots of one tier evenly spaced times between aligned neighbours."""
    i = 0
    n = len(sequence)
    while i < n:
        if sequence[i] in slot_time:
            i += 1
            continue
        j = i
        while j < n and sequence[j] not in slot_time:
            j += 1
        before = slot_time[sequence[i - 1]] if i > 0 else None
        after = slot_time[sequence[j]] if j < n else None
        if before is None:
            before = after if after is not None else 0
        if after is None:
            after = before
        run = j - i
        for k in range(run):
            slot_time[sequence[i + k]] = before + (after - before) * (k + 1) // (run + 1)
        i = j


# --- events ------------------------------------------------------------------------------

def _is_attune_file(eaf: EafFile) -> bool:
    return ATTUNE_PROPERTY in eaf.properties


def _clip_from(eaf: EafFile) -> ClipInfo:
    name = ""
    if eaf.media_urls and eaf.media_urls[0]:
        name = os.path.basename(unquote(urlparse(eaf.media_urls[0]).path))
    info: dict[str, Any] = {}
    raw = eaf.properties.get("attune:clip")
    if raw:
        try:
            info = json.loads(raw)
        except json.JSONDecodeError:
            info = {}
    if not isinstance(info, dict):
        info = {}
    duration = info.get("duration_ms")
    return ClipInfo(name=str(info.get("name", name)),
                    duration_ms=duration if isinstance(duration, int) else None,
                    sha256=info.get("sha256") if isinstance(info.get("sha256"), str) else None,
                    fps=info.get("fps") if isinstance(info.get("fps"), str) else None)


def _modifier_tiers(eaf: EafFile) -> tuple[dict[str, dict[str, str]], set[str]]:
    """The modifier tiers of attune's file: each parent annotation's ``name -> name=value``,
    and the event tiers that have modifier tiers."""
    out: dict[str, dict[str, str]] = {}
    parents: set[str] = set()
    for tier in eaf.tiers.values():
        if tier.parent is None or not tier.id.startswith(tier.parent + ":"):
            continue
        name = tier.id[len(tier.parent) + 1:]
        if mods.pair(f"{name}=x") is None:
            continue
        parents.add(tier.parent)
        for ann in tier.annotations:
            value = ann.value.strip()
            if ann.ref is not None and value:
                out.setdefault(ann.ref, {})[name] = mods.token(name, value)
    return out, parents


def eaf_to_document(eaf: EafFile, mapping: Mapping | None = None,
                    scheme: Scheme | None = None) -> EventsDocument:
    """Events of a parsed EAF file, through ``mapping`` (attune's own files need none)."""
    times = resolve_times(eaf)
    extra: dict[str, Any] = {}
    attune_file = mapping is None and _is_attune_file(eaf)
    if attune_file:
        try:
            extra = json.loads(eaf.properties[ATTUNE_PROPERTY])
        except json.JSONDecodeError:
            raise InputError(f"{eaf.name}: header property {ATTUNE_PROPERTY} is not valid "
                             "JSON; remove it to import the file as a plain ELAN file.") \
                from None
        if not isinstance(extra, dict):
            extra = {}
    mapping = mapping or GENERIC_MAPPING
    tier_modifiers, with_modifier_tiers = _modifier_tiers(eaf) if attune_file else ({}, set())
    drafts: list[EventDraft] = []
    order: list[int] = []  # attune's files: annotation number, the original event order
    for tier in eaf.tiers.values():
        rule: TierRule | None
        if attune_file:
            if tier.parent is not None:
                continue  # a modifier tier (read above) or one someone added in ELAN
            kind_text = tier.id.split("@", 1)[0]
            try:
                kind = EventKind(kind_text)
            except ValueError:
                continue  # a tier someone added in ELAN; not attune's
            rule = TierRule(kind=kind, code_from="cve_id", coder=tier.annotator or None)
        else:
            rule = mapping.rule_for(tier.id)
        if rule is None or rule.skip:
            continue
        vocabulary = eaf.tier_vocabulary(tier)
        for ann in tier.annotations:
            where = f"{eaf.name}, line {ann.line} (tier {tier.id!r}, annotation {ann.id})"
            if rule.code is not None:
                read = rule.code
            elif rule.code_from == "cve_id":
                read = ann.cve_ref or ann.value.strip()
            elif rule.code_from == "cve_value" and ann.cve_ref and ann.cve_ref in vocabulary:
                read = vocabulary[ann.cve_ref].strip()
            else:
                read = ann.value.strip()
            if not read:
                continue  # an empty annotation carries no code
            code = rule.code_for(read, where, mapping.codes)
            start, end = times[ann.id]
            info = extra.get(ann.id, {}) if attune_file else {}
            if not isinstance(info, dict):
                info = {}
            if info.get("point") is True and end - start == POINT_DURATION_MS:
                end = start
            modifiers = info.get("modifiers", [])
            if tier.id in with_modifier_tiers:  # the tiers decide the named modifiers
                modifiers = [*(m for m in tier_modifiers.get(ann.id, {}).values()),
                             *mods.free(str(m) for m in modifiers
                                        if isinstance(modifiers, list))]
            order.append(int(ann.id[1:]) if ann.id[1:].isdigit() else 0)
            drafts.append(EventDraft(
                where=where, kind=rule.kind, code=code, start_ms=start, end_ms=end,
                coder=rule.coder or mapping.coder or tier.annotator or "imported",
                local_id=info.get("id") if isinstance(info.get("id"), str) else None,
                answers=info.get("answers") if isinstance(info.get("answers"), str) else None,
                note=(ann.value if rule.note_from == "value"
                      else str(info.get("note", "")) if attune_file else ""),
                modifiers=tuple(str(m) for m in modifiers) if isinstance(modifiers, list)
                else (),
            ))
    if attune_file:
        drafts = [d for _, d in sorted(zip(order, drafts, strict=True), key=lambda p: p[0])]
    scheme_name = eaf.properties.get("attune:scheme") or (scheme.name if scheme else "imported")
    version_raw = eaf.properties.get("attune:scheme_version", "")
    scheme_version = int(version_raw) if version_raw.isdigit() and int(version_raw) >= 1 \
        else (scheme.version if scheme else 1)
    return build_document(drafts, scheme_name=scheme_name, scheme_version=scheme_version,
                          clip=_clip_from(eaf), scheme=scheme)


def read_eaf(path: str | os.PathLike[str], mapping: Mapping | None = None,
             scheme: Scheme | None = None,
             max_bytes: int = DEFAULT_MAX_BYTES) -> EventsDocument:
    """Import an EAF (2.x or 3.0) file as events; all or nothing.

    Without ``mapping``, a file written by attune is read back exactly and any other file
    with :data:`~attune.interchange.mapping.GENERIC_MAPPING` (every tier, value as code).
    """
    p = Path(path)
    return eaf_to_document(parse_eaf(read_limited(p, max_bytes), p.name, p, max_bytes),
                           mapping, scheme)


# --- ChildProject segments ---------------------------------------------------------------

# ChildProject's AnnotationConverter.SPEAKER_ID_TO_TYPE (LAAC-LSCP/ChildProject,
# ChildProject/converters.py); tiers not named here are not speech segments.
SPEAKER_ID_TO_TYPE: dict[str, str] = {
    "C1": "OCH", "C2": "OCH", "CHI": "CHI", "CHI*": "CHI",
    **{f"FA{i}": "FEM" for i in range(9)},
    "FC1": "OCH", "FC2": "OCH", "FC3": "OCH",
    **{f"MA{i}": "MAL" for i in range(6)},
    **{f"MC{i}": "OCH" for i in range(1, 6)},
    "MI1": "OCH", "MOT*": "FEM", "OC0": "OCH",
    **{f"UC{i}": "OCH" for i in range(1, 7)},
    **{f"UA{i}": "NA" for i in range(1, 7)},
    "EE1": "NA", "EE2": "NA", "FAE": "NA", "MAE": "NA", "FCE": "NA", "MCE": "NA",
}
_DEPENDENT_COLUMNS = {"lex": "lex_type", "mwu": "mwu_type", "xds": "addressee",
                      "vcm": "vcm_type", "msc": "msc_type"}


def read_eaf_segments(path: str | os.PathLike[str], new_tiers: Sequence[str] = (),
                      max_bytes: int = DEFAULT_MAX_BYTES) -> pd.DataFrame:
    """Speech segments as ChildProject's ``EafConverter`` derives them.

    Columns: ``segment_onset, segment_offset`` (ms), ``speaker_id`` (tier), ``speaker_type``
    (CHI, FEM, MAL, OCH or NA), ``vcm_type, lex_type, mwu_type, addressee`` from the
    ``vcm@``, ``lex@``, ``mwu@``, ``xds@`` dependent tiers, ``transcription`` (a value of
    ``0`` becomes ``0.``) and ``words``; ``msc_type`` and each of ``new_tiers`` when such
    dependent tiers exist. Missing values are ``"NA"``.
    """
    p = Path(path)
    eaf = parse_eaf(read_limited(p, max_bytes), p.name, p, max_bytes)
    times = resolve_times(eaf)
    segments: dict[str, dict[str, Any]] = {}
    for tier in eaf.tiers.values():
        if tier.id not in SPEAKER_ID_TO_TYPE:
            continue
        for ann in tier.annotations:
            if ann.is_reference:
                continue
            start, end = times[ann.id]
            segments[ann.id] = {
                "segment_onset": start, "segment_offset": end, "speaker_id": tier.id,
                "speaker_type": SPEAKER_ID_TO_TYPE[tier.id], "vcm_type": "NA",
                "lex_type": "NA", "mwu_type": "NA", "addressee": "NA",
                "transcription": ann.value if ann.value != "0" else "0.", "words": "NA",
            }
    extra_columns: list[str] = []
    for tier in eaf.tiers.values():
        label, _, ref = tier.id.partition("@")
        if ref not in SPEAKER_ID_TO_TYPE:
            continue
        column = _DEPENDENT_COLUMNS.get(label) or (label if label in new_tiers else None)
        if column is None:
            continue
        for ann in tier.annotations:
            if not ann.is_reference:
                continue
            top = ann
            for _ in range(100):
                if top.ref is None:
                    break
                top = eaf.annotations[top.ref][1]
            if top.id in segments:
                segments[top.id][column] = ann.value
                if column not in extra_columns:
                    extra_columns.append(column)
    frame = pd.DataFrame(list(segments.values()))
    for column in extra_columns:
        if column not in frame.columns:
            frame[column] = "NA"
    if frame.empty:
        return frame
    return frame.fillna("NA").replace("", "NA")


# --- export ------------------------------------------------------------------------------

def _tier_name(kind: EventKind, coder: str) -> str:
    return f"{kind}@{coder}"


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _check_xml_text(document: EventsDocument) -> None:
    texts = [("clip name", document.clip.name), ("scheme name", document.scheme_name)]
    for e in document.events:
        texts += [(f"coder of event {document.local_id(e.id or 0)}", e.coder),
                  (f"code of event {document.local_id(e.id or 0)}", e.code)]
    for what, text in texts:
        if _XML_ILLEGAL.search(text):
            raise InputError(f"The {what} ({text!r}) holds control characters that an ELAN "
                             "file cannot store; remove them.")


def build_eaf_tree(document: EventsDocument, scheme: Scheme | None = None) -> ET.Element:
    """The EAF 3.0 element tree of a document (built with pympi-ling)."""
    import pympi

    _check_xml_text(document)

    eaf = pympi.Elan.Eaf(author="attune")
    eaf.adocument.update({
        "VERSION": EAF_VERSION, "FORMAT": EAF_VERSION,
        "xsi:noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
    })
    eaf.header = {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"}
    eaf.remove_tier("default")
    eaf.remove_linguistic_type("default-lt")
    eaf.properties = []
    clip = document.clip
    if clip.name:
        mime = mimetypes.guess_type(clip.name)[0] or "video/mp4"
        eaf.media_descriptors.append({
            "MEDIA_URL": f"file:///{quote(clip.name)}", "MIME_TYPE": mime,
            "RELATIVE_MEDIA_URL": f"./{quote(clip.name)}",
        })
    eaf.add_language("und", "http://cdb.iso.org/lg/CDB-00130975-001", "undetermined (und)")
    kinds = list(EventKind)
    for kind in kinds:
        cv_id = f"{document.scheme_name} v{document.scheme_version} {kind}"
        eaf.add_controlled_vocabulary(cv_id)
        eaf.add_cv_description(cv_id, "und", f"{kind} codes of coding scheme "
                               f"{document.scheme_name} v{document.scheme_version}")
        codes: dict[str, str] = {}
        if scheme is not None:
            codes.update({c.id: c.label for c in scheme.codes_of(kind)})
        for e in document.events:
            if e.kind == kind and e.code not in codes:
                codes[e.code] = ""
        for code, label in codes.items():
            eaf.add_cv_entry(cv_id, code, [(code, "und", label)])
        eaf.add_linguistic_type(f"attune {kind}", param_dict={
            "LINGUISTIC_TYPE_ID": f"attune {kind}", "TIME_ALIGNABLE": "true",
            "GRAPHIC_REFERENCES": "false", "CONTROLLED_VOCABULARY_REF": cv_id,
        })
    extra: dict[str, dict[str, Any]] = {}
    cve_refs: dict[str, str] = {}
    for n, e in enumerate(document.events, start=1):
        tier = _tier_name(e.kind, e.coder)
        if tier not in eaf.tiers:
            eaf.add_tier(tier, ling=f"attune {e.kind}", part=PARTICIPANT[e.kind], ann=e.coder)
        aid = f"a{n}"
        end = e.end_ms if not e.is_point else e.start_ms + POINT_DURATION_MS
        ts1, ts2 = f"ts{2 * n - 1}", f"ts{2 * n}"
        eaf.timeslots[ts1] = e.start_ms
        eaf.timeslots[ts2] = end
        eaf.tiers[tier][0][aid] = (ts1, ts2, e.code, None)
        eaf.annotations[aid] = tier
        cve_refs[aid] = e.code
        assert e.id is not None
        info: dict[str, Any] = {"id": document.local_id(e.id)}
        if e.answers_id is not None:
            info["answers"] = document.local_id(e.answers_id)
        if e.is_point:
            info["point"] = True
        if e.note:
            info["note"] = e.note
        if e.modifiers:
            info["modifiers"] = list(e.modifiers)
        extra[aid] = info
    n_ids = _add_modifier_tiers(eaf, document)
    eaf.properties = [
        ("lastUsedAnnotationId", str(n_ids)),
        ("attune:scheme", document.scheme_name),
        ("attune:scheme_version", str(document.scheme_version)),
        ("attune:clip", json.dumps({k: v for k, v in vars(clip).items() if v is not None},
                                   ensure_ascii=False)),
        ("attune:point_duration_ms", str(POINT_DURATION_MS)),
        (ATTUNE_PROPERTY, json.dumps(extra, ensure_ascii=False, separators=(",", ":"))),
    ]
    root = pympi.Elan.to_adocument(eaf, pretty=False)
    for el in root.iter("ALIGNABLE_ANNOTATION"):
        aid = el.get("ANNOTATION_ID", "")
        if aid in cve_refs:
            el.set("CVE_REF", cve_refs[aid])
    pympi.Elan.indent(root)
    return root


def _add_modifier_tiers(eaf: Any, document: EventsDocument) -> int:
    """A dependent tier per event tier and modifier name, its annotations the values;
    returns the last annotation number used."""
    n = len(document.events)
    typed = False
    for i, e in enumerate(document.events, start=1):
        for name, value in mods.named(e.modifiers).items():
            parent = _tier_name(e.kind, e.coder)
            tier = f"{parent}:{name}"
            if not typed:
                eaf.add_linguistic_type(MODIFIER_TYPE, param_dict={
                    "LINGUISTIC_TYPE_ID": MODIFIER_TYPE, "TIME_ALIGNABLE": "false",
                    "GRAPHIC_REFERENCES": "false", "CONSTRAINTS": "Symbolic_Association"})
                typed = True
            if tier not in eaf.tiers:
                eaf.add_tier(tier, ling=MODIFIER_TYPE, parent=parent,
                             part=PARTICIPANT[e.kind], ann=e.coder)
            n += 1
            eaf.tiers[tier][1][f"a{n}"] = (f"a{i}", value, None, None)
            eaf.annotations[f"a{n}"] = tier
    return n


def dumps_eaf(document: EventsDocument, scheme: Scheme | None = None) -> bytes:
    """EAF 3.0 bytes of a document."""
    root = build_eaf_tree(document, scheme)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def write_eaf(document: EventsDocument, path: str | os.PathLike[str],
              scheme: Scheme | None = None) -> None:
    """Write a document as an EAF 3.0 file, atomically."""
    write_atomic(path, dumps_eaf(document, scheme))
