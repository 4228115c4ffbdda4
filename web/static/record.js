// The new-1:1 page: record in the browser (MediaRecorder), and follow a recording's job.
// Both enhance pages that work without JavaScript: the form uploads a chosen file, the
// progress page has a refresh link.
"use strict";

(() => {
  const clock = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");

  // Opus in WebM where supported (Chrome, Firefox, Android); MP4/AAC on Safari and iOS.
  function recordingType() {
    for (const type of ["audio/webm;codecs=opus", "audio/webm", "audio/mp4", "audio/ogg;codecs=opus"]) {
      if (window.MediaRecorder && MediaRecorder.isTypeSupported(type)) return type;
    }
    return "";
  }

  function setUpRecorder() {
    const box = document.getElementById("recorder");
    const form = document.getElementById("new-meeting");
    if (!box || !form) return;
    box.hidden = false;
    const start = document.getElementById("record-start");
    const stop = document.getElementById("record-stop");
    const timer = document.getElementById("record-timer");
    const status = document.getElementById("record-status");
    const input = document.getElementById("file");
    if (!window.isSecureContext) {  // getUserMedia exists only on https or localhost
      document.getElementById("record-insecure").hidden = false;
      start.disabled = true;
      return;
    }
    if (!window.MediaRecorder || !navigator.mediaDevices) {
      document.getElementById("record-unsupported").hidden = false;
      start.disabled = true;
      return;
    }
    let recorder = null, chunks = [], seconds = 0, tick = null, recorded = null;

    start.addEventListener("click", async () => {
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (error) {
        status.textContent = fill(status.dataset.denied, { reason: error.message || error.name });
        return;
      }
      const type = recordingType();
      recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
      chunks = [];
      recorder.addEventListener("dataavailable", (event) => { if (event.data.size) chunks.push(event.data); });
      recorder.addEventListener("stop", () => {
        stream.getTracks().forEach((track) => track.stop());
        const mime = recorder.mimeType || type || "audio/webm";
        const extension = mime.includes("mp4") ? "m4a" : mime.includes("ogg") ? "ogg" : "webm";
        const day = document.getElementById("date").value || new Date().toISOString().slice(0, 10);
        recorded = new File(chunks, `1on1-${day}.${extension}`, { type: mime.split(";")[0] });
        attach(recorded);
        status.textContent = fill(status.dataset.ready, { time: clock(seconds) });
      });
      recorder.start(1000);  // a chunk a second: a long walk never sits in one buffer
      seconds = 0;
      timer.textContent = clock(0);
      tick = setInterval(() => { seconds += 1; timer.textContent = clock(seconds); }, 1000);
      status.textContent = status.dataset.recording;
      start.disabled = true;
      stop.disabled = false;
      stop.focus();
    });

    stop.addEventListener("click", () => {
      clearInterval(tick);
      if (recorder && recorder.state !== "inactive") recorder.stop();
      stop.disabled = true;
      start.disabled = false;
    });

    // Put the recording in the form's file input, so the ordinary form submit uploads it.
    function attach(file) {
      recorded = file;
      try {
        const transfer = new DataTransfer();
        transfer.items.add(file);
        input.files = transfer.files;
        if (input.files.length === 1) recorded = null;
      } catch (error) {
        // older Safari: no DataTransfer; the recording is sent by fetch on submit instead
      }
      input.required = !recorded;
    }

    form.addEventListener("submit", async (event) => {
      if (!recorded) return;
      event.preventDefault();
      const body = new FormData(form);
      body.set("file", recorded, recorded.name);
      const response = await fetch(form.action, { method: "POST", body, credentials: "same-origin" });
      if (response.redirected) { window.location.assign(response.url); return; }
      document.open();
      document.write(await response.text());  // the form again, with its error
      document.close();
    });
  }

  function setUpProgress() {
    const box = document.getElementById("job");
    if (!box) return;
    const labels = JSON.parse(box.dataset.labels);
    const bar = document.getElementById("job-progress");
    const status = document.getElementById("job-status");
    const texts = document.getElementById("job-state-texts").dataset;
    const percent = new Intl.NumberFormat(document.documentElement.lang, { style: "percent" });
    const order = [...document.querySelectorAll("#job-stages li")].map((li) => li.dataset.stage);
    let shown = "";

    function show(job) {
      bar.value = Math.round(job.percent);
      const line = `${labels[job.stage] || job.stage} · ${percent.format(job.percent / 100)}`;
      if (line !== shown) status.textContent = shown = line;  // announce changes only
      const reached = order.indexOf(job.stage);
      document.querySelectorAll("#job-stages li").forEach((li, index) => {
        const tag = li.querySelector("[data-state]");
        const done = reached > index || job.stage === "done";
        tag.className = `tag ${done ? "ok" : index === reached ? "warn" : ""}`;
        tag.textContent = done ? texts.done : index === reached ? texts.current : "";
        if (index === reached) li.setAttribute("aria-current", "step");
        else li.removeAttribute("aria-current");
      });
    }

    function fail(error) {
      document.getElementById("job-error-message").textContent = error.message;
      const hint = document.getElementById("job-error-hint");
      hint.hidden = !error.hint;
      hint.querySelector("span").textContent = error.hint || "";
      document.getElementById("job-error").hidden = false;
      document.getElementById("job-refresh-line").hidden = true;
    }

    async function poll() {
      let job;
      try {
        job = await window.copilot.api("GET", box.dataset.url);
      } catch (error) {
        status.textContent = fill(box.dataset.lost, { reason: error.message });
        setTimeout(poll, 5000);
        return;
      }
      show(job);
      if (job.stage === "done" && job.meeting_id) {
        window.location.assign(`/meetings/${encodeURIComponent(job.meeting_id)}`);
      } else if (job.stage === "failed") {
        fail(job.error || { message: labels.failed });
      } else {
        setTimeout(poll, 1000);
      }
    }

    if (box.dataset.stage !== "failed") setTimeout(poll, 1000);
  }

  document.addEventListener("DOMContentLoaded", () => { setUpRecorder(); setUpProgress(); });
})();
