// Saves the answer on the server as soon as it is given, so a closed tab loses nothing.
(() => {
  const form = document.getElementById("answer-form");
  if (!form || !form.dataset.autosave) return;
  const status = form.querySelector("[data-save-status]");
  let pending = null;

  const save = async () => {
    const body = new FormData(form);
    status.textContent = "Saving…";
    try {
      const response = await fetch(form.dataset.autosave, {
        method: "POST",
        body,
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
      });
      const data = await response.json();
      status.textContent = data.saved ? "Answer saved." : data.message;
    } catch (error) {
      status.textContent = "Not saved yet: check your connection. Your answer is saved when you move on.";
    }
  };

  form.addEventListener("change", () => {
    clearTimeout(pending);
    pending = setTimeout(save, 150);
  });
  // Moving on saves the answer with the form itself.
  form.addEventListener("submit", () => clearTimeout(pending));

  // An answer given before this script ran (a slow connection) is saved now, not on moving on.
  const changedEarlier = [...form.elements].some((field) => {
    if (field.type === "radio" || field.type === "checkbox") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") return [...field.options].some((o) => o.selected !== o.defaultSelected);
    return false;
  });
  if (changedEarlier) save();
})();
