"""Search across clips and families (issue 17 item 4): only through the gate (a
practitioner's own caseload, a supervisor's team, consent scopes honoured, blind second
coders never see the other coder's events), every filter, and the Search page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from attune.core.accounts import Role, User
from attune.core.clip import Clip, ClipStatus
from attune.core.coding import CodingRole
from attune.core.consent import ConsentScope
from attune.core.events import Event
from attune.core.scheme import EventKind, Potency
from attune.errors import InputError, NotAllowedError
from attune.services import Context
from attune.services.search import SearchQuery, search_events
from tests.factories import make_clip, make_family, make_user

TODAY = date.today()


def _code(ctx: Context, clip: Clip, coder: str, events: list[Event],
          links: dict[int, int] | None = None, version: int = 2) -> list[Event]:
    """Store ``events`` for ``coder`` under ``attuned-moments`` ``version`` (v2 has the
    modifiers); ``links`` maps an index to the index it answers."""
    out: list[Event] = []
    with ctx.db.transaction(coder) as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=60_000)
        for i, e in enumerate(events):
            answers = (links or {}).get(i)
            out.append(tx.add_event(clip.id, Event(e.kind, e.code, e.start_ms, e.end_ms,
                                                   coder=coder, note=e.note,
                                                   modifiers=e.modifiers,
                                                   scheme_version=version),
                                    answers_id=out[answers].id if answers is not None else None))
    return out


def cue(code: str, ms: int, **kw: object) -> Event:
    return Event(EventKind.CUE, code, ms, ms, **kw)  # type: ignore[arg-type]


def resp(code: str, ms: int, **kw: object) -> Event:
    return Event(EventKind.RESPONSE, code, ms, ms, **kw)  # type: ignore[arg-type]


@pytest.fixture
def world(ctx: Context) -> dict[str, object]:
    """sue supervises pat and sam; pat's FAM-A (every consent, a visit today and one 40
    days ago), pat's FAM-B without supervision consent, sam's FAM-C; kim works alone."""
    sue = make_user(ctx, "sue", Role.SUPERVISOR)
    pat = make_user(ctx, "pat", supervisor="sue")
    sam = make_user(ctx, "sam", supervisor="sue")
    kim = make_user(ctx, "kim")
    mum = make_user(ctx, "mum", Role.PARENT)
    a = make_family(ctx, pat, "FAM-A")
    b = make_family(ctx, pat, "FAM-B", scopes=(ConsentScope.SHARED_REVIEW,))
    c = make_family(ctx, sam, "FAM-C")
    from attune.services.clips import store_clip
    from tests.factories import REAL_VIDEO

    a_now = make_clip(ctx, pat, a)
    a_old = store_clip(ctx, pat, "FAM-A", REAL_VIDEO, REAL_VIDEO.name,
                       held_on=TODAY - timedelta(days=40))
    b_clip = make_clip(ctx, pat, b)
    c_clip = make_clip(ctx, sam, c)
    # FAM-A today: a subtle cue (C07) answered promptly by voice, a subtle cue not
    # answered, a potent cue answered at once; the old visit: a subtle cue answered
    _code(ctx, a_now, "pat", [
        cue("C07", 10_000, note="brows lift", modifiers=("intensity=1",)),
        resp("R03", 11_500, modifiers=("modality=voice",)),
        cue("C11", 20_000, note="yawns, looks away"),
        cue("C02", 30_000, modifiers=("intensity=3", "initiated=parent")),
        resp("R04", 30_400, modifiers=("modality=face",)),
    ], {1: 0, 4: 3})
    _code(ctx, a_old, "pat", [cue("C07", 5_000), resp("R03", 6_500)], {1: 0})
    _code(ctx, b_clip, "pat", [cue("C08", 1_000, note="ooh face")])
    _code(ctx, c_clip, "sam", [cue("C09", 2_000)], version=1)  # coded before modifiers
    return {"sue": sue, "pat": pat, "sam": sam, "kim": kim, "mum": mum, "a_now": a_now,
            "a_old": a_old, "b": b_clip, "c": c_clip}


def found(ctx: Context, user: object, **query: object) -> list[tuple[str, str, int]]:
    hits = search_events(ctx, user, SearchQuery(**query)).hits  # type: ignore[arg-type]
    return [(h.family, h.code, h.start_ms) for h in hits]


def test_every_subtle_cue_answered_promptly_this_month(ctx: Context, world) -> None:  # type: ignore[no-untyped-def]
    q = {"kind": EventKind.CUE, "potency": Potency.SUBTLE, "answered": True,
         "bands": frozenset({"prompt"}), "date_from": TODAY.replace(day=1), "date_to": TODAY}
    assert found(ctx, world["pat"], **q) == [("FAM-A", "C07", 10_000)]
    hit = search_events(ctx, world["pat"], SearchQuery(**q)).hits[0]  # type: ignore[arg-type]
    assert (hit.band, hit.latency_ms, hit.answered) == ("prompt", 1500, True)
    assert hit.modifier_words == "how strongly: a little"
    assert hit.span_ms == (9000, 12_000)
    # without the month, the old visit's subtle cue too
    del q["date_from"], q["date_to"]
    assert [f for f, _, _ in found(ctx, world["pat"], **q)] == ["FAM-A", "FAM-A"]


def test_each_filter(ctx: Context, world) -> None:  # type: ignore[no-untyped-def]
    pat = world["pat"]
    assert found(ctx, pat, modifiers=frozenset({"modality=voice"})) == [("FAM-A", "R03", 11_500)]
    assert found(ctx, pat, modifiers=frozenset({"intensity=3", "initiated=parent"})) == \
        [("FAM-A", "C02", 30_000)]
    assert found(ctx, pat, answered=False, kind=EventKind.CUE) == \
        [("FAM-A", "C11", 20_000), ("FAM-B", "C08", 1000)]
    assert found(ctx, pat, bands=frozenset({"immediate"})) == \
        [("FAM-A", "C02", 30_000), ("FAM-A", "R04", 30_400)]
    assert found(ctx, pat, note="LOOKS away") == [("FAM-A", "C11", 20_000)]
    assert found(ctx, pat, codes=frozenset({"C07"}), family="FAM-A",
                 date_to=TODAY - timedelta(days=1)) == [("FAM-A", "C07", 5000)]
    assert found(ctx, pat, kind=EventKind.RESPONSE, answered=True) == \
        [("FAM-A", "R03", 6500), ("FAM-A", "R03", 11_500), ("FAM-A", "R04", 30_400)]
    assert len(search_events(ctx, pat, SearchQuery(limit=2)).hits) == 2
    assert search_events(ctx, pat, SearchQuery(limit=2)).more


def test_a_limited_search_reads_clips_in_order_and_stops_without_changing_the_hits(
        ctx: Context, world, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Clips are read a batch at a time in the order hits are listed and the search stops
    once it has more than ``limit``: the hits are the first ``limit`` of the whole
    search, whatever the batch, and the clips searched are all the clips."""
    import attune.services.search as search

    sue = world["sue"]
    whole = search_events(ctx, sue, SearchQuery())
    assert len(whole.hits) == 8 and not whole.more and whole.clips_searched == 3
    for batch in (1, 2, 50):
        monkeypatch.setattr(search, "BATCH_CLIPS", batch)
        for limit in range(1, 10):
            part = search_events(ctx, sue, SearchQuery(limit=limit))
            assert part.hits == whole.hits[:limit], (batch, limit)
            assert part.more == (limit < len(whole.hits))
            assert part.clips_searched == whole.clips_searched
        # a kind reads only what that kind needs, with the same hits
        cues = search_events(ctx, sue, SearchQuery(kind=EventKind.CUE, limit=3))
        assert cues.hits == tuple(h for h in whole.hits if h.kind == EventKind.CUE)[:3]


def test_bad_queries_say_what_to_do(ctx: Context, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="name=value"):
        SearchQuery(modifiers=frozenset({"voice"}))
    with pytest.raises(InputError, match="swap"):
        SearchQuery(date_from=TODAY, date_to=TODAY - timedelta(days=1))
    for family in ("FAM-C", "NO-SUCH"):  # another's family, or none: the same refusal
        with pytest.raises(NotAllowedError, match=r"Not allowed: .* search this family"):
            search_events(ctx, world["pat"], SearchQuery(family=family))


def test_the_gate_decides_whose_events_are_searched(ctx: Context, world) -> None:  # type: ignore[no-untyped-def]
    families = {u: {f for f, _, _ in found(ctx, world[u])} for u in ("pat", "sam", "kim", "sue")}
    assert families == {"pat": {"FAM-A", "FAM-B"}, "sam": {"FAM-C"}, "kim": set(),
                        # FAM-B gave no supervision consent: its clips stay closed to sue
                        "sue": {"FAM-A", "FAM-C"}}
    for who in ("mum",):
        with pytest.raises(NotAllowedError):
            search_events(ctx, world[who], SearchQuery())
    admin = make_user(ctx, "root", Role.ADMIN)
    with pytest.raises(NotAllowedError):
        search_events(ctx, admin, SearchQuery())


def test_a_blind_second_coder_finds_only_their_own_events(ctx: Context, world) -> None:  # type: ignore[no-untyped-def]
    clip = world["a_now"]
    with ctx.db.transaction("sue") as tx:
        tx.assign_coder(clip.id, "kim", CodingRole.SECOND)
    _code(ctx, clip, "kim", [cue("C07", 10_200, note="kim saw it")])
    kim: User = world["kim"]  # type: ignore[assignment]
    hits = search_events(ctx, kim, SearchQuery()).hits
    assert {h.coder for h in hits} == {"kim"} and len(hits) == 1
    # pat, the family's coder, is blind to kim's coding too until both are done
    assert "kim" not in {h.coder for h in search_events(ctx, world["pat"], SearchQuery()).hits}
    assert found(ctx, world["pat"], note="kim") == []


def test_the_pickers_offer_the_versions_the_clips_were_coded_with(  # type: ignore[no-untyped-def]
        ctx: Context, world) -> None:
    """The Search page's codes, modifiers and answer times come from the scheme versions
    of the searcher's clips, not from the newest default alone (issue 17)."""
    import copy

    from attune.services.events import add_event
    from attune.services.schemes import choose_clip_scheme, save_scheme
    from attune.services.search import search_schemes
    from attune.ui.search import band_choices, code_choices, modifier_choices

    def versions(user: User) -> list[int]:
        return [s.version for s in search_schemes(ctx, user)]

    assert versions(world["pat"]) == [2]
    assert versions(world["sam"]) == [1]  # FAM-C was coded under v1
    assert versions(world["sue"]) == [1, 2]  # the team's
    assert versions(world["kim"]) == [2]  # nothing coded: the newest default
    assert modifier_choices(search_schemes(ctx, world["sam"])) == {}  # v1 has none
    assert modifier_choices(search_schemes(ctx, world["pat"]))["how: touch"] == \
        "modality=touch"
    # pat's service saves v3 (a new cue with a modifier of its own) and codes a clip with it
    with ctx.db.transaction("test") as tx:
        doc = copy.deepcopy(tx.get_scheme("attuned-moments", 2).document)
    doc["codes"].append({"id": "C99", "kind": "cue", "label": "hand to mouth",
                         "valence": "D", "potency": "S"})
    doc["modifiers"].append({"id": "place", "label": "where", "codes": ["C99"],
                             "values": [{"id": "lap", "label": "on the lap", "key": "l"}]})
    doc["latency_bands"][0]["name"] = "at once"
    assert save_scheme(ctx, world["pat"], doc).version == 3
    with ctx.db.transaction("test") as tx:
        family = tx.get_family("FAM-A")
    clip = make_clip(ctx, world["pat"], family)
    with ctx.db.transaction("test") as tx:
        tx.set_clip_media(clip.id, status=ClipStatus.READY, duration_ms=60_000)
    choose_clip_scheme(ctx, world["pat"], clip.id, "attuned-moments", 3)
    add_event(ctx, world["pat"], clip.id, "C99", 1000)
    schemes = search_schemes(ctx, world["pat"])
    assert [s.version for s in schemes] == [2, 3]
    codes = code_choices(schemes)
    assert codes["C99 hand to mouth"] == "C99" and codes["C07 face brightens, eyes wide, "
                                                        "brows up"] == "C07"
    assert modifier_choices(schemes)["where: on the lap"] == "place=lap"
    assert "how: voice" in modifier_choices(schemes)  # v2's stay offered
    assert {"at once", "immediate"} <= set(band_choices(schemes))
    assert versions(world["sam"]) == [1]  # not pat's: sam's pickers are unchanged
    with pytest.raises(NotAllowedError):
        search_schemes(ctx, world["mum"])
