// Small progressive enhancements shared by every page; each page works without them.
"use strict";

const copilot = {
  csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  },
  // The JSON API with the session cookie: unsafe methods carry the CSRF token.
  async api(method, url, body) {
    const init = { method, headers: { "X-CSRF-Token": copilot.csrf(), "Accept": "application/json" } };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const error = (data && data.error) || { message: response.statusText };
      throw Object.assign(new Error(error.message), { status: response.status, hint: error.hint });
    }
    return data;
  },
};

document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.getAttribute("data-copy"));
  if (!source) return;
  await navigator.clipboard.writeText(source.textContent);
  const done = button.getAttribute("data-copied");
  if (done) {
    const status = document.getElementById(button.getAttribute("aria-describedby") || "");
    if (status) status.textContent = done;
  }
});
window.copilot = copilot;

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
