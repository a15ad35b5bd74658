/* claimdesk embed.js — both ends of an embedded claim card.
 *
 * On a host page (loaded as <script src="https://desk.example/embed.js">) it
 * replaces every <blockquote class="claimdesk-card" data-claim="ID"> with an
 * iframe of /embed/claims/ID on the desk the script came from, and sets each
 * iframe's height to what its card reports. Messages are trusted only from
 * the desk's origin and only for the iframe that sent them.
 *
 * The oEmbed html is the same blockquote with data-height, the card's
 * height at the consumer's width as the desk bounds it from above: the
 * iframe starts at that height, with no margin (the consumer frames the
 * html at its declared size), so the card is never cut off before its
 * own height arrives, or if it never does.
 *
 * Inside the card page (<html data-claimdesk-embed>) it reports the card's
 * height to the host whenever it changes. The card reads fine without it.
 */
(function () {
  "use strict";
  var MESSAGE = "claimdesk:height";
  var MAX_HEIGHT = 4000;

  if (document.documentElement.hasAttribute("data-claimdesk-embed")) {
    reportHeight();
  } else {
    embedCards();
  }

  function reportHeight() {
    if (window.parent === window) return;
    var last = 0;
    function send() {
      var height = Math.ceil(document.body.getBoundingClientRect().height);
      if (height > 0 && height !== last) {
        last = height;
        // The height is not a secret; the host checks who sent it.
        window.parent.postMessage({ type: MESSAGE, height: height }, "*");
      }
    }
    function start() {
      send();
      if (window.ResizeObserver) new ResizeObserver(send).observe(document.body);
      window.addEventListener("load", send);
      window.addEventListener("resize", send);
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }

  function ownScript() {
    if (document.currentScript) return document.currentScript;
    var scripts = document.getElementsByTagName("script");
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/\/embed\.js(\?|#|$)/.test(scripts[i].src)) return scripts[i];
    }
    return null;
  }

  function embedCards() {
    var script = ownScript();
    if (!script || !script.src) return;
    var origin = new URL(script.src, location.href).origin;
    // Several snippets on one page load this script several times; keep one
    // listener and one list of frames per desk.
    var desks = window.__claimdeskEmbeds || (window.__claimdeskEmbeds = {});
    var desk = desks[origin];
    if (!desk) {
      desk = desks[origin] = { frames: [] };
      window.addEventListener("message", function (event) {
        if (event.origin !== origin) return;
        var data = event.data;
        if (!data || data.type !== MESSAGE) return;
        var height = Number(data.height);
        if (!(height > 0 && height <= MAX_HEIGHT)) return;
        for (var i = 0; i < desk.frames.length; i++) {
          if (desk.frames[i].contentWindow === event.source) {
            desk.frames[i].style.height = Math.ceil(height) + "px";
          }
        }
      });
    }

    function swap() {
      var quotes = document.querySelectorAll("blockquote.claimdesk-card[data-claim]");
      for (var i = 0; i < quotes.length; i++) {
        var quote = quotes[i];
        var id = (quote.getAttribute("data-claim") || "").trim();
        if (!/^[0-9]+(-[a-z0-9-]*)?$/.test(id)) continue;
        var src = origin + "/embed/claims/" + id;
        var theme = quote.getAttribute("data-theme");
        if (theme === "light" || theme === "dark") src += "?theme=" + theme;
        var frame = document.createElement("iframe");
        frame.src = src;
        frame.title = "Fact check: " + (quote.textContent || "").replace(/\s+/g, " ").trim().slice(0, 120);
        frame.className = "claimdesk-frame";
        frame.style.display = "block";
        frame.style.width = "100%";
        frame.style.maxWidth = "560px";
        frame.style.border = "0";
        frame.style.margin = "16px 0";
        var declared = Number(quote.getAttribute("data-height"));
        if (declared > 0 && declared <= MAX_HEIGHT) {
          frame.style.height = Math.ceil(declared) + "px";
          frame.style.margin = "0";
        }
        // Match the card's colour scheme, or Chrome paints an opaque
        // backdrop behind its rounded corners when the schemes differ.
        frame.style.colorScheme = theme === "dark" ? "dark" : theme === "light" ? "light" : "light dark";
        quote.parentNode.replaceChild(frame, quote);
        desk.frames.push(frame);
      }
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", swap);
    else swap();
  }
})();
