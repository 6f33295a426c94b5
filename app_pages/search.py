"""Search (``?family=CODE`` searches that family at once): coded moments across the
practitioner's caseload (a supervisor: the team's), as a list that opens the timeline at
each moment and as a playlist of them."""

from __future__ import annotations

from datetime import date

import streamlit as st

from attune.core.accounts import Role
from attune.errors import AttuneError
from attune.services.families import visible_families
from attune.services.search import search_events, search_schemes
from attune.ui import search as ui
from attune.ui.cache import cached
from attune.ui.media import media_url
from attune.ui.paging import one_page
from attune.ui.session import get_context, page_user

user = page_user({Role.PRACTITIONER, Role.SUPERVISOR}, "search coded events")
ctx = get_context()
st.title("Search")
st.caption("Find moments across your families' clips" +
           (" and your team's" if user.role == Role.SUPERVISOR else "") +
           ": e.g. every subtle cue answered promptly this month.")
schemes = cached(ctx, user, search_schemes)  # the versions the clips were coded with
families = [f.code for f in cached(ctx, user, visible_families)]
named = str(st.query_params.get("family", ""))
ALL = "All my families"

with st.form("search_form"):
    c1, c2, c3, c4 = st.columns(4)
    family = c1.selectbox("Family", [ALL, *families], key="search_family",
                          index=families.index(named) + 1 if named in families else 0)
    kind = c2.selectbox("Kind", list(ui.KINDS), key="search_kind")
    answered = c3.selectbox("Answered", list(ui.ANSWERED), key="search_answered")
    when = c4.selectbox("Visits", ui.PERIODS, key="search_period")
    c5, c6, c7 = st.columns([3, 3, 2])
    codes = c5.multiselect("Codes", list(ui.code_choices(schemes)), key="search_codes",
                           placeholder="Any code")
    modifiers = c6.multiselect("Modifiers", list(ui.modifier_choices(schemes)),
                               key="search_modifiers", placeholder="Any modifiers")
    bands = c7.multiselect("Answer time", ui.band_choices(schemes), key="search_bands",
                           placeholder="Any")
    c8, c9, c10 = st.columns([3, 3, 2], vertical_alignment="bottom")
    note = c8.text_input("Words in the note", key="search_note")
    chosen = c9.date_input("Dates (with “Choose dates”)", value=(), key="search_dates")
    subtle = c10.checkbox("Subtle cues only", key="search_subtle")
    asked = st.form_submit_button("Search", type="primary")

opened = bool(named) and st.session_state.get("search_opened") != named
if opened:  # a link to this family's moments: search it once, as the page opens
    st.session_state["search_opened"] = named
    family = named
if asked or opened:
    dates = chosen if isinstance(chosen, (list, tuple)) else (chosen,)
    try:
        query = ui.make_query(
            family=None if family == ALL else family, kind=kind,
            codes=[ui.code_choices(schemes)[c] for c in codes],
            modifiers=[ui.modifier_choices(schemes)[m] for m in modifiers], subtle=subtle,
            answered=answered, bands=bands, note=note,
            dates=ui.period(when, date.today(), [d for d in dates if d]))
        st.session_state["search_result"] = search_events(ctx, user, query)
    except AttuneError as exc:
        st.error(str(exc))
        st.stop()

result = st.session_state.get("search_result")
if result is None:
    st.info("Choose what to look for, then **Search**.")
    st.stop()
if not result.hits:
    st.info(f"Nothing found in {result.clips_searched} clip(s). Try fewer filters.")
    st.stop()
st.success(f"{len(result.hits)} moment(s) in {result.clips_searched} clip(s)" +
           (" — there are more: narrow the search." if result.more else "."))
tab_list, tab_play = st.tabs(["List", "Playlist"])
with tab_list:
    st.caption("Each link opens the clip's timeline at that moment.")
    for h in one_page(result.hits, "search_page", ui.HITS_A_PAGE, "moments"):
        a, b = st.columns([3, 5], vertical_alignment="center")
        a.page_link("app_pages/workspace.py", label=ui.link_words(h),
                    icon=":material/play_circle:", query_params=ui.hit_link(h))
        b.markdown(ui.hit_words(h))
with tab_play:
    st.caption("Plays each moment for its span, one after the other.")
    ui.playlist(ui.playlist_items(result.hits,
                                  lambda clip_id: media_url(ctx, user, "proxy", clip_id)))
