from __future__ import annotations

import streamlit as st

from attune.core.accounts import Role
from attune.core.clip import ClipStatus
from attune.errors import AttuneError
from attune.services.ingest import retry_ingest
from attune.services.uploads import check_upload
from attune.ui.families import editable_codes
from attune.ui.session import get_context, page_user
from attune.ui.upload import ingest_rows, uploader

user = page_user({Role.PRACTITIONER}, "upload clips")
ctx = get_context()
st.title("Upload a clip")
codes = editable_codes(ctx, user)
asked = st.query_params.get("family")
if asked is None and not codes:
    st.info("No families yet. Add a family on the Families page, record their consent, "
            "then upload their clips here.")
    st.stop()
code = asked if asked is not None else st.selectbox("Family", codes, key="upload_family")
try:
    check_upload(ctx, user, code)
except AttuneError as exc:
    st.error(str(exc))
    st.page_link("app_pages/consent.py", label="Record consent", icon=":material/verified_user:",
                 query_params={"family": code})
    st.stop()

st.caption("The file goes straight to this installation's media folder. It is checked "
           "(is it a video we can play?) and then prepared for coding: a browser copy, a "
           "filmstrip and the sound's outline.")
result = uploader(ctx, user, code, key=f"uploader_{code}")
if result and result.get("error"):
    st.error(f"{result.get('name', 'The file')} was not kept: {result['error']}")
elif result and result.get("clip_id"):
    st.success(f"{result.get('name')} is uploaded as clip {result['clip_id']}.")

rows = ingest_rows(ctx, user, code)
pending = any(r.pending for r in rows)


@st.fragment(run_every=1 if pending else None)
def progress() -> None:
    current = ingest_rows(ctx, user, code)
    if not current:
        st.info("No clips yet for this family.")
        return
    for row in current:
        with st.container(border=True, key=f"ingest_{row.clip_id}"):
            st.markdown(f"**{row.label}**")
            if row.status == ClipStatus.READY:
                st.progress(100, text="Ready to code")
            elif row.status == ClipStatus.FAILED:
                st.error(row.error or "Preparing this clip failed.")
                if st.button("Retry", key=f"retry_{row.clip_id}"):
                    try:
                        retry_ingest(ctx, user, row.clip_id)
                    except AttuneError as exc:
                        st.error(str(exc))
                    else:
                        st.rerun(scope="app")
            elif row.status == ClipStatus.STORED:
                st.caption("Stored, waiting to be prepared.")
            else:
                stage = row.stage or "waiting for the worker"
                st.progress(row.percent, text=f"Preparing: {stage} ({row.percent}%)")
    if pending and not any(r.pending for r in current):
        st.rerun(scope="app")


progress()
