// The assess page's comment banks: picking a comment adds it to the
// criterion's comment box at once (without JavaScript the server adds it
// when the form is saved). The select is then reset, so nothing is added
// twice.
document.querySelectorAll("select[data-comment-bank]").forEach((select) => {
  const box = document.getElementById(select.dataset.commentBank);
  if (!box) return;
  select.addEventListener("change", () => {
    const line = select.value;
    if (!line) return;
    if (!box.value.includes(line)) {
      box.value = box.value.trim() ? `${box.value.trim()}\n${line}` : line;
    }
    select.value = "";
    box.focus();
  });
});
