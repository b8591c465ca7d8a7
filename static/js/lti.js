// Posts the form back to the LMS at once; without JavaScript its button does the same.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-autosubmit]");
  if (form) form.submit();
});
