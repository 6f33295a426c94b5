"""The Upload page's parts: a streaming uploader (a ``st.components.v2`` component that
sends the file with XMLHttpRequest to ``/api/upload``, showing its progress, so that the
file goes to disk in chunks and never sits whole in the server's memory) and the ingest
progress of a family's clips."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from attune.core.accounts import User
from attune.core.clip import ClipStatus, clip_label
from attune.core.jobs import JobStatus
from attune.services import Context
from attune.services.ingest import uploaded_clips
from attune.services.tokens import upload_token
from attune.services.uploads import too_large
from attune.ui.media import current_session_id

_HTML = """
<div class="attune-upload">
  <label class="pick">Choose a video file
    <input type="file" accept="video/*,.mp4,.mov,.m4v,.webm,.avi,.mkv" data-testid="upload-input">
  </label>
  <button type="button" data-testid="upload-send" disabled>Upload</button>
  <progress max="100" value="0" hidden></progress>
  <div class="msg" role="status" aria-live="polite"></div>
</div>
"""
_CSS = """
.attune-upload { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center;
  font-family: var(--st-font, sans-serif); color: var(--st-text-color); }
.attune-upload .pick { display: flex; flex-direction: column; gap: .25rem; }
.attune-upload button { padding: .4rem 1rem; border-radius: .5rem; cursor: pointer;
  border: 1px solid var(--st-primary-color); background: var(--st-primary-color);
  color: white; font-size: 1rem; }
.attune-upload button:disabled { opacity: .5; cursor: default; }
.attune-upload :focus-visible { outline: 3px solid var(--st-primary-color);
  outline-offset: 2px; }
.attune-upload progress { width: 18rem; height: 1rem; }
.attune-upload .msg { width: 100%; min-height: 1.2rem; }
"""
_JS = """
export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  const root = parentElement.querySelector('.attune-upload');
  if (!root) { return; }
  root.dataset.url = data.url;
  const input = root.querySelector('input[type=file]');
  const send = root.querySelector('button');
  const bar = root.querySelector('progress');
  const msg = root.querySelector('.msg');
  const mb = (n) => (n / 1048576).toFixed(1) + ' MB';
  input.onchange = () => {
    send.disabled = !input.files.length || root.dataset.busy === '1';
    const f = input.files[0];
    msg.textContent = f ? f.name + ' (' + mb(f.size) + ')' : '';
  };
  send.onclick = () => {
    const file = input.files[0];
    if (!file || root.dataset.busy === '1') { return; }
    if (data.limit && file.size > data.limit) {  // the server would refuse it too (413)
      msg.textContent = '';
      setTriggerValue('result', {name: file.name, error: data.tooLarge});
      return;
    }
    root.dataset.busy = '1';
    send.disabled = true; input.disabled = true; bar.hidden = false; bar.value = 0;
    const xhr = new XMLHttpRequest();
    xhr.open('POST', root.dataset.url + '&name=' + encodeURIComponent(file.name));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) {
        bar.value = Math.round(e.loaded / e.total * 100);
        msg.textContent = 'Uploading ' + file.name + ': ' + mb(e.loaded) + ' of ' + mb(e.total);
      }
    };
    const finish = (result) => {
      root.dataset.busy = '0'; input.disabled = false; input.value = '';
      send.disabled = true; bar.hidden = true;
      msg.textContent = result.error ? '' : 'Uploaded ' + file.name + '; now preparing it.';
      setTriggerValue('result', result);
    };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (!body) { body = {error: 'The server answered ' + xhr.status + '; try again.'}; }
      body.name = body.name || file.name;
      finish(body);
    };
    xhr.onerror = () => finish({name: file.name, error: 'The upload was interrupted (the ' +
      'connection was lost). Nothing was kept; try again.'});
    xhr.send(file);
  };
}
"""
_component: Any = None


def uploader(ctx: Context, user: User, code: str, *, key: str) -> dict[str, Any] | None:
    """Mount the uploader for family ``code``; the server's answer once an upload ends
    (``{"clip_id", "job_id", "name"}`` or ``{"error", "name"}``), else None."""
    global _component
    if _component is None:
        _component = st.components.v2.component("attune_uploader", html=_HTML, css=_CSS,
                                                js=_JS)
    token = upload_token(ctx.settings.secret_key, user.id, current_session_id(), code)
    limit = ctx.settings.upload_limit_bytes
    result = _component(key=key, data={"url": f"/api/upload?t={token}", "limit": limit,
                                       "tooLarge": str(too_large(limit))},
                        on_result_change=lambda: None)
    value = getattr(result, "result", None)
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class IngestRow:
    clip_id: int
    label: str
    status: ClipStatus
    stage: str
    percent: int
    error: str

    @property
    def pending(self) -> bool:
        return self.status in (ClipStatus.QUEUED, ClipStatus.INGESTING)


def ingest_rows(ctx: Context, user: User, code: str) -> list[IngestRow]:
    """The family's clips, newest first, with their ingest job's stage and percent."""
    rows = []
    for clip, job in uploaded_clips(ctx, user, code):
        percent = 100 if clip.status == ClipStatus.READY else (job.percent if job else 0)
        stage = job.stage if job else ""
        error = clip.failure_reason or (job.error if job and job.status == JobStatus.FAILED else "")
        rows.append(IngestRow(clip.id, clip_label(clip), clip.status, stage, percent, error))
    return rows
