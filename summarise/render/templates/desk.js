"use strict";
// The review desk's keys. Everything it does, a reviewer can also do with Tab and Enter:
// the forms post without it. Keys are ignored while typing in a field; Escape leaves it.
(function () {
  const form = document.getElementById("decision");
  const undo = document.getElementById("undo");
  const rows = Array.from(document.querySelectorAll("#queue tbody tr"));
  const facts = Array.from(document.querySelectorAll("li.fact"));
  // Every problem on the page, in its order: failed checks, facts with a problem, lines with one.
  const problems = Array.from(document.querySelectorAll("ul.checks li.fail, li.fact.has-problems, .line-problems"))
    .map(function (element) { return element.closest(".line") || element; });
  let current = -1;
  let problem = -1;
  for (const element of problems) if (!element.hasAttribute("tabindex")) element.setAttribute("tabindex", "-1");

  function countJudged() {
    const judged = document.getElementById("judged");
    if (!judged) return;
    const count = facts.filter(function (fact) { return fact.querySelector("input[type=radio]:checked"); }).length;
    judged.textContent = count + " of " + facts.length + " facts judged";
  }
  document.addEventListener("change", countJudged);

  function toProblem(step) {
    if (!problems.length) return;
    problem = (problem + step + problems.length) % problems.length;
    const element = problems[problem];
    for (const item of problems) item.classList.remove("current-problem");
    element.classList.add("current-problem");
    const fact = facts.indexOf(element);
    if (fact >= 0) focusItem(facts, fact);
    else {
      element.focus();
      element.scrollIntoView({ block: "center" });
    }
  }

  function typing(target) {
    return target.closest("textarea, select, input[type=text], input[type=search], input:not([type])") !== null;
  }

  function focusItem(items, index) {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, index));
    for (const item of items) item.classList.remove("current");
    items[current].classList.add("current");
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  function mark(verdict) {
    if (current < 0) focusItem(facts, 0);
    const choice = facts[current].querySelector("input[type=radio][value=" + verdict + "]");
    if (choice) {
      choice.checked = true;
      choice.dispatchEvent(new Event("change", { bubbles: true }));  // kept as a draft, as a click would be
    }
    countJudged();
    if (current < facts.length - 1) focusItem(facts, current + 1);
    else document.getElementById("approve").focus();
  }

  function approve() {
    const button = document.getElementById("approve");
    const acknowledged = document.getElementById("acknowledged");
    if (acknowledged && !acknowledged.checked) {
      const count = button.dataset.problems;
      if (!window.confirm("This brief has " + count + " failed check(s) or fact(s) with a problem. Approve it anyway, having seen them?")) return;
      acknowledged.checked = true;
    }
    form.requestSubmit(button);
  }

  function reject() {
    const reason = document.getElementById("reason");
    if (!reason.value.trim()) {
      reason.focus();
      reason.setAttribute("placeholder", "Why? Then Enter to reject.");
      return;
    }
    form.requestSubmit(document.getElementById("reject"));
  }

  if (form) {
    const approveButton = document.getElementById("approve");
    approveButton.addEventListener("click", function (event) {
      const acknowledged = document.getElementById("acknowledged");
      if (acknowledged && !acknowledged.checked) {
        event.preventDefault();
        approve();
      }
    });
    document.getElementById("reason").addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        reject();
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) {  // out of the field: the next key is a shortcut again
      event.target.blur();
      if (current >= 0 && form) facts[current].focus();
      event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const next = document.getElementById("next-link");
    if (event.key === "u" && undo) {
      undo.requestSubmit();
      event.preventDefault();
      return;
    }
    if (!form) {  // the queue
      const search = document.getElementById("search");
      if (event.key === "j") focusItem(rows, current + 1);
      else if (event.key === "k") focusItem(rows, current - 1);
      else if (event.key === "Enter" && rows.length && event.target.closest("a, button, select, input") === null) {
        rows[Math.max(current, 0)].querySelector("a").click();  // the first brief when none was chosen
      }
      else if (event.key === "/" && search) search.focus();
      else if (event.key === "]" && next) next.click();
      else return;
      event.preventDefault();
      return;
    }
    if (event.key === "p") toProblem(1);
    else if (event.key === "P") toProblem(-1);
    else if (event.key === "j") focusItem(facts, current + 1);
    else if (event.key === "k") focusItem(facts, current - 1);
    else if (event.key === "a") mark("right");
    else if (event.key === "x") mark("wrong");
    else if (event.key === " ") mark("unsure");
    else if (event.key === "n" && current >= 0) facts[current].querySelector("input[type=text]").focus();
    else if (event.key === "A") approve();
    else if (event.key === "X") reject();
    else if (event.key === "]" && next) next.click();
    else return;
    event.preventDefault();
  });
})();

// The desk may stop (Ctrl-C, a reboot) and start again on the same address and key while this
// page is open. The page asks it now and then whether it is there; while it is not, the page
// says so and sends nothing (a form posted to no server would leave the page, and the notes
// and corrections typed in it); when it is back, the page carries on and sends the draft.
const desk = (function () {
  const token = document.querySelector("input[name=token]");
  const state = { up: true, lost: false, listeners: [] };
  if (!token || !window.fetch) return state;
  let status = null;
  function say(text, kind) {
    if (!status) {
      status = document.createElement("p");
      status.id = "desk-status";
      status.setAttribute("role", "status");
      document.body.prepend(status);
    }
    status.textContent = text;
    status.className = "desk-status " + kind;
    status.hidden = !text;
  }
  function answered(response) {
    if (response.status === 403) {
      state.lost = true;
      say("The desk came back with another key: this page can no longer send to it. Copy what you typed, then open the desk again from its launcher.", "down");
      return false;
    }
    if (!state.up) {
      say("The desk is back: carry on. What you typed here is kept.", "up");
      setTimeout(function () { if (state.up) say("", "up"); }, 4000);
      state.up = true;
      for (const listener of state.listeners) listener();
    }
    return true;
  }
  function gone() {
    if (state.up) say("The desk is not answering (stopped or restarting). Keep working: what you type stays in this page, and nothing is sent until the desk is back.", "down");
    state.up = false;
    return false;
  }
  state.check = function () {
    const url = "/ping?token=" + encodeURIComponent(token.value);
    return fetch(url, { cache: "no-store", credentials: "same-origin" }).then(answered, gone);
  };
  (function poll() {
    if (!state.lost) setTimeout(function () { state.check().then(poll, poll); }, state.up ? 3000 : 1000);
  })();
  // Every form asks first whether the desk is there: posted to a stopped desk, it would leave the page.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset.checked === "1") {
      delete form.dataset.checked;
      return;
    }
    event.preventDefault();
    const submitter = event.submitter;
    state.check().then(function (up) {
      if (!up) {
        if (!state.lost) say("Not sent: the desk is not answering. Your work is still in this page; send it again once the desk is back.", "down");
        return;
      }
      form.dataset.checked = "1";
      form.requestSubmit(submitter && submitter.form === form ? submitter : null);
    });
  }, true);
  return state;
})();

// Drafts: the decision form's verdicts, notes and reason go to the desk as the reviewer works
// (review/drafts.py), so a reload, a closed tab or a refused decision loses none of them.
(function () {
  const form = document.getElementById("decision");
  if (!form || !window.fetch) return;
  let timer = null;
  let unsent = false;  // given while the desk was away: sent when it is back
  function fields() {
    const body = new URLSearchParams(new FormData(form));
    body.delete("decision");
    return body;
  }
  function keep() {
    timer = null;
    fetch("/draft", { method: "POST", body: fields(), credentials: "same-origin" }).then(
      function (response) { unsent = !response.ok; },
      function () { unsent = true; });
  }
  desk.listeners.push(function () { if (unsent) keep(); });
  function soon(event) {
    if (event.target.form !== form) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(keep, 250);
  }
  document.addEventListener("change", soon);
  document.addEventListener("input", soon);
  window.addEventListener("pagehide", function () {
    if (!timer) return;
    clearTimeout(timer);
    timer = null;
    navigator.sendBeacon("/draft", fields());
  });
})();
