// GOV.UK Frontend's body classes, set before the page paints (kept out of an
// inline script so that the Content-Security-Policy needs no exception).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
