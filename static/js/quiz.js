// Saves the answer on the server as soon as it is given, so a closed tab loses nothing.
// When the server is busy or cannot be reached, it tries again, waiting longer each time,
// until the answer is saved or the student sends the form (which saves it itself).
(() => {
  const form = document.getElementById("answer-form");
  if (!form || !form.dataset.autosave) return;
  const status = form.querySelector("[data-save-status]");
  const FIRST_RETRY_MS = 1000;
  const LONGEST_RETRY_MS = 30000;
  let pending = null; // the next save, waiting to be sent
  let retryMs = FIRST_RETRY_MS;
  let latest = 0; // only the newest save's answer is shown: an older one may return later
  let sent = false;

  const later = (ms) => {
    clearTimeout(pending);
    pending = setTimeout(save, ms);
  };

  const retry = (message, serverSeconds) => {
    status.textContent = message;
    if (sent) return;
    later(Math.max(retryMs, 1000 * (serverSeconds || 0)));
    retryMs = Math.min(2 * retryMs, LONGEST_RETRY_MS);
  };

  const save = async () => {
    const mine = ++latest;
    const body = new FormData(form);
    status.textContent = "Saving…";
    let response;
    let data = null;
    try {
      response = await fetch(form.dataset.autosave, {
        method: "POST",
        body,
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      data = await response.json();
    } catch (error) {
      // No answer, or not one of ours (a proxy's error page while the server restarts).
    }
    if (mine !== latest) return;
    if (data && data.saved) {
      retryMs = FIRST_RETRY_MS;
      status.textContent = "Answer saved.";
    } else if (data && data.retry) {
      retry(data.message, Number(response.headers.get("Retry-After")));
    } else if (data) {
      status.textContent = data.message;
    } else if (!response || response.status >= 500) {
      retry("Not saved yet: check your connection. Retrying…");
    } else {
      status.textContent = "Not saved: please reload the page.";
    }
  };

  form.addEventListener("change", () => {
    retryMs = FIRST_RETRY_MS;
    later(150);
  });
  // Moving on saves the answer with the form itself.
  form.addEventListener("submit", () => {
    sent = true;
    clearTimeout(pending);
  });

  // An answer given before this script ran (a slow connection) is saved now, not on moving on.
  const changedEarlier = [...form.elements].some((field) => {
    if (field.type === "radio" || field.type === "checkbox") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") return [...field.options].some((o) => o.selected !== o.defaultSelected);
    return false;
  });
  if (changedEarlier) save();
})();

// Beside the question there is room for the article: open it there. On a phone it stays a
// closed sheet, one tap away. The current question is scrolled into the navigator's strip.
(() => {
  const sheet = document.querySelector("[data-open-when-wide]");
  if (sheet && window.matchMedia("(min-width: 1024px)").matches) sheet.open = true;
  const strip = document.querySelector("[data-current-visible]");
  const current = strip && strip.querySelector("[aria-current]");
  if (current && strip.scrollWidth > strip.clientWidth) {
    strip.scrollLeft = current.offsetLeft - strip.clientWidth / 2 + current.offsetWidth / 2;
  }
})();
