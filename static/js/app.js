// Small enhancements; every page works without them.
document.addEventListener("click", (event) => {
  const confirmButton = event.target.closest("[data-confirm]");
  if (confirmButton && !window.confirm(confirmButton.dataset.confirm)) {
    event.preventDefault();
  }
  if (event.target.closest("[data-print]")) {
    window.print();
  }
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
