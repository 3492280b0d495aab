// Start GOV.UK Frontend and MoJ Frontend components on the page.
if (window.GOVUKFrontend) {
  window.GOVUKFrontend.initAll();
}
if (window.MOJFrontend) {
  window.MOJFrontend.initAll();
}
