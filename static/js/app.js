// Small enhancements; every page works without them.
// A button with data-confirm asks first, in the page: its question, then "Yes" (which sends the
// form as the button would) or "Cancel", which has the focus, so that Enter twice changes nothing.
const askFirst = (button) => {
  const step = document.createElement("span");
  step.className = "confirm-step";
  step.setAttribute("role", "group");
  const question = document.createElement("p");
  question.textContent = button.dataset.confirm;
  question.id = `confirm-${Math.random().toString(36).slice(2)}`;
  step.setAttribute("aria-labelledby", question.id);
  const yes = document.createElement("button");
  yes.type = "submit";
  yes.className = "danger solid small";
  yes.textContent = `Yes, ${button.textContent.trim().toLowerCase()}`;
  if (button.name) {
    yes.name = button.name;
    yes.value = button.value;
  }
  // The server refuses a destructive request that does not say it was confirmed.
  yes.addEventListener("click", () => {
    const flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "confirmed";
    flag.value = "yes";
    yes.form.append(flag);
  });
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "secondary outline small";
  cancel.textContent = "Cancel";
  cancel.addEventListener("click", () => {
    step.remove();
    button.hidden = false;
    button.focus();
  });
  step.append(question, yes, cancel);
  button.hidden = true;
  button.after(step);
  cancel.focus();
};

document.addEventListener("click", (event) => {
  const confirmButton = event.target.closest("[data-confirm]");
  if (confirmButton) {
    event.preventDefault();
    askFirst(confirmButton);
    return;
  }
  if (event.target.closest("[data-print]")) {
    window.print();
  }
  const copyButton = event.target.closest("[data-copy]");
  if (copyButton) {
    const field = document.getElementById(copyButton.dataset.copy);
    field.select();
    const copied = () => { copyButton.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(copied, () => {});
    } else if (document.execCommand("copy")) {
      copied();
    }
  }
});

// A form that takes a moment (a roster's accounts) says it is working, and is sent only once.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-busy]");
  if (!form || event.defaultPrevented) return;
  const button = form.querySelector("[type=submit]");
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "true";
  if (button) {
    button.setAttribute("aria-busy", "true");
    if (button.tagName === "INPUT") button.value = form.dataset.busy;
    else button.textContent = form.dataset.busy;
  }
});

// Copy buttons need this script: without it the field is still there to select and copy.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-copy]").forEach((button) => { button.hidden = false; });
});

document.addEventListener("DOMContentLoaded", () => {
  const timer = document.querySelector("[data-deadline-seconds]");
  if (!timer) return;
  const end = Date.now() + Number(timer.dataset.deadlineSeconds) * 1000;
  const out = timer.querySelector("strong");
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const minutes = Math.floor(left / 60);
    out.textContent = minutes >= 60
      ? `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`
      : `${minutes} min ${String(left % 60).padStart(2, "0")} s`;
    if (left === 0) {
      clearInterval(handle);
      window.location.reload(); // the server submits the attempt and shows the result
    }
  };
  const handle = setInterval(tick, 1000);
  tick();
});

// The builder's progress bar: ask the server every two seconds, open the results when done.
document.addEventListener("DOMContentLoaded", () => {
  const job = document.querySelector("[data-progress-url]");
  if (!job) return;
  const bar = job.querySelector("progress");
  const text = job.querySelector("[data-progress-text]");
  const poll = async () => {
    try {
      const response = await fetch(job.dataset.progressUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) return;
      const state = await response.json();
      bar.value = state.percent;
      bar.textContent = `${state.percent}%`;
      text.textContent = `${state.done} of ${state.total} steps done`;
      if (state.status === "ready") {
        window.location.assign(job.dataset.doneUrl);
        return;
      }
      if (state.status === "failed") {
        window.location.reload();
        return;
      }
    } catch (error) {
      // A dropped request is retried at the next tick.
    }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 1000);
});
